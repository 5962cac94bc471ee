package dev.waystation.crd.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A setting of one {@link Policy} whose value another Policy's value beats, at least for some relays or clients. */
public class PolicyOverride {

    @JsonPropertyDescription("The overridden setting key.")
    private String key;

    @JsonPropertyDescription("The winning Policy, as its policy source name policy/<namespace>/<name>.")
    private String by;

    @JsonPropertyDescription("Why it wins, for example: mandatory at the broader scope Device.")
    private String reason;

    public PolicyOverride() {
    }

    public PolicyOverride(String key, String by, String reason) {
        this.key = key;
        this.by = by;
        this.reason = reason;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public String getBy() {
        return by;
    }

    public void setBy(String by) {
        this.by = by;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyOverride other && Objects.equals(key, other.key) && Objects.equals(by, other.by)
                && Objects.equals(reason, other.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, by, reason);
    }

    @Override
    public String toString() {
        return key + " overridden by " + by + " (" + reason + ")";
    }
}

package dev.waystation.crd.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One setting of a {@link Policy} the operator rejected, and why. */
public class PolicySettingProblem {

    @JsonPropertyDescription("The setting key as written in spec.settings.")
    private String key;

    @JsonPropertyDescription("Why it was rejected: unknown key, wrong type, or not configurable at this scope.")
    private String message;

    public PolicySettingProblem() {
    }

    public PolicySettingProblem(String key, String message) {
        this.key = key;
        this.message = message;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicySettingProblem other && Objects.equals(key, other.key)
                && Objects.equals(message, other.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, message);
    }

    @Override
    public String toString() {
        return key + ": " + message;
    }
}

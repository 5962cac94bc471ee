package dev.waystation.crd.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The latest outcome of one kind of probe against one node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeResult {

    @JsonPropertyDescription("Probe kind: tls, stun, derp (a client sends itself a packet) or mesh (to clients on every other node).")
    private String kind;

    @JsonPropertyDescription("Pass or Fail.")
    private String result;

    @JsonPropertyDescription("How long the last probe took, in milliseconds.")
    private Long latencyMillis;

    @JsonPropertyDescription("Failed probes in a row; 0 after a pass.")
    private Integer consecutiveFailures;

    @JsonPropertyDescription("Why the last failed probe failed.")
    private String lastError;

    @JsonPropertyDescription("When the last probe finished (RFC 3339).")
    private String lastProbeTime;

    public ProbeResult() {
    }

    public ProbeResult(String kind, String result, Long latencyMillis, Integer consecutiveFailures, String lastError,
            String lastProbeTime) {
        this.kind = kind;
        this.result = result;
        this.latencyMillis = latencyMillis;
        this.consecutiveFailures = consecutiveFailures;
        this.lastError = lastError;
        this.lastProbeTime = lastProbeTime;
    }

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    public String getResult() {
        return result;
    }

    public void setResult(String result) {
        this.result = result;
    }

    public Long getLatencyMillis() {
        return latencyMillis;
    }

    public void setLatencyMillis(Long latencyMillis) {
        this.latencyMillis = latencyMillis;
    }

    public Integer getConsecutiveFailures() {
        return consecutiveFailures;
    }

    public void setConsecutiveFailures(Integer consecutiveFailures) {
        this.consecutiveFailures = consecutiveFailures;
    }

    public String getLastError() {
        return lastError;
    }

    public void setLastError(String lastError) {
        this.lastError = lastError;
    }

    public String getLastProbeTime() {
        return lastProbeTime;
    }

    public void setLastProbeTime(String lastProbeTime) {
        this.lastProbeTime = lastProbeTime;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProbeResult other && Objects.equals(kind, other.kind) && Objects.equals(result, other.result)
                && Objects.equals(latencyMillis, other.latencyMillis)
                && Objects.equals(consecutiveFailures, other.consecutiveFailures)
                && Objects.equals(lastError, other.lastError) && Objects.equals(lastProbeTime, other.lastProbeTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, result, latencyMillis, consecutiveFailures, lastError, lastProbeTime);
    }
}

package dev.waystation.crd.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the operator's prober last saw of one published node, and whether the DERP map withholds it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeProbeStatus {

    @JsonPropertyDescription("DERP node name (Name in the DERP map).")
    private String name;

    @JsonPropertyDescription("True while the DERP map leaves this node out because its probes keep failing.")
    private Boolean withheld;

    @JsonPropertyDescription("Why the node is withheld, or why a failing node is still published.")
    private String withheldReason;

    @JsonPropertyDescription("When the node's TLS certificate expires (RFC 3339), as the TLS probe last saw it.")
    private String certificateNotAfter;

    @JsonPropertyDescription("Latest result per probe kind.")
    private List<ProbeResult> results = new ArrayList<>();

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Boolean getWithheld() {
        return withheld;
    }

    public void setWithheld(Boolean withheld) {
        this.withheld = withheld;
    }

    public String getWithheldReason() {
        return withheldReason;
    }

    public void setWithheldReason(String withheldReason) {
        this.withheldReason = withheldReason;
    }

    public String getCertificateNotAfter() {
        return certificateNotAfter;
    }

    public void setCertificateNotAfter(String certificateNotAfter) {
        this.certificateNotAfter = certificateNotAfter;
    }

    public List<ProbeResult> getResults() {
        return results;
    }

    public void setResults(List<ProbeResult> results) {
        this.results = results;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeProbeStatus other && Objects.equals(name, other.name)
                && Objects.equals(withheld, other.withheld) && Objects.equals(withheldReason, other.withheldReason)
                && Objects.equals(certificateNotAfter, other.certificateNotAfter)
                && Objects.equals(results, other.results);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, withheld, withheldReason, certificateNotAfter, results);
    }
}

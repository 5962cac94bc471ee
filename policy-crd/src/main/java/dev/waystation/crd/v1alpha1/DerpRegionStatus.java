package dev.waystation.crd.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

/** What the operator observed of a {@link DerpRegion}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DerpRegionStatus {

    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Ready: every node is ready and published. Degraded: something needs attention "
            + "(reason and message say what).")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Ready nodes out of spec.nodes, e.g. 2/3.")
    private String readyNodes;

    @JsonPropertyDescription("Each node's published address and readiness, in node order.")
    private List<DerpNodeStatus> nodes = new ArrayList<>();

    @JsonPropertyDescription("This region as it appears in the DERP map the operator serves (Tailscale's tailcfg.DERPRegion JSON).")
    private DerpMapRegion derpMapRegion;

    @JsonPropertyDescription("What the operator's prober last saw of each published node (written by the prober, kept by the reconciler).")
    private List<NodeProbeStatus> probes;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getReadyNodes() {
        return readyNodes;
    }

    public void setReadyNodes(String readyNodes) {
        this.readyNodes = readyNodes;
    }

    public List<DerpNodeStatus> getNodes() {
        return nodes;
    }

    public void setNodes(List<DerpNodeStatus> nodes) {
        this.nodes = nodes;
    }

    public DerpMapRegion getDerpMapRegion() {
        return derpMapRegion;
    }

    public void setDerpMapRegion(DerpMapRegion derpMapRegion) {
        this.derpMapRegion = derpMapRegion;
    }

    public List<NodeProbeStatus> getProbes() {
        return probes;
    }

    public void setProbes(List<NodeProbeStatus> probes) {
        this.probes = probes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DerpRegionStatus other
                && Objects.equals(observedGeneration, other.observedGeneration)
                && Objects.equals(conditions, other.conditions)
                && Objects.equals(readyNodes, other.readyNodes)
                && Objects.equals(nodes, other.nodes)
                && Objects.equals(derpMapRegion, other.derpMapRegion)
                && Objects.equals(probes, other.probes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, conditions, readyNodes, nodes, derpMapRegion, probes);
    }
}

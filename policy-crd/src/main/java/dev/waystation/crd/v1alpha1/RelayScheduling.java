package dev.waystation.crd.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;

/** Placement of the relay pods, with the field names of a Pod spec. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RelayScheduling {

    @JsonPropertyDescription("Node labels a relay pod's node must have.")
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription("Taints the relay pods tolerate.")
    private List<Toleration> tolerations;

    @JsonPropertyDescription("Node and pod (anti-)affinity. Without it the operator prefers spreading the nodes "
            + "of a region over cluster nodes.")
    private Affinity affinity;

    @JsonPropertyDescription("How the relay pods spread across topology domains.")
    private List<TopologySpreadConstraint> topologySpreadConstraints;

    @JsonPropertyDescription("PriorityClass of the relay pods.")
    private String priorityClassName;

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public Affinity getAffinity() {
        return affinity;
    }

    public void setAffinity(Affinity affinity) {
        this.affinity = affinity;
    }

    public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
        return topologySpreadConstraints;
    }

    public void setTopologySpreadConstraints(List<TopologySpreadConstraint> topologySpreadConstraints) {
        this.topologySpreadConstraints = topologySpreadConstraints;
    }

    public String getPriorityClassName() {
        return priorityClassName;
    }

    public void setPriorityClassName(String priorityClassName) {
        this.priorityClassName = priorityClassName;
    }
}

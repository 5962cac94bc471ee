package dev.waystation.crd.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;

/**
 * Placement of the relay pods, with the field names of a Pod spec. The Pod types carry no bounds of
 * their own in the generated schema, so the integers the operator reads into Java {@code int}s are
 * bounded here by CEL: an out-of-range value is refused by the API server instead of being admitted
 * and then unreadable for the operator.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.topologySpreadConstraints) || self.topologySpreadConstraints.all(c,"
        + " c.maxSkew >= 1 && c.maxSkew <= " + RelayScheduling.INT32_MAX
        + " && (!has(c.minDomains) || (c.minDomains >= 1 && c.minDomains <= " + RelayScheduling.INT32_MAX + ")))",
        message = "topologySpreadConstraints: maxSkew and minDomains must be between 1 and " + RelayScheduling.INT32_MAX)
@ValidationRule(value = "!has(self.affinity) || !has(self.affinity.nodeAffinity)"
        + " || !has(self.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution)"
        + " || self.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.all(t, t.weight >= 1 && t.weight <= 100)",
        message = "affinity.nodeAffinity: every preferred term's weight must be between 1 and 100")
@ValidationRule(value = "!has(self.affinity) || !has(self.affinity.podAffinity)"
        + " || !has(self.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution)"
        + " || self.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution.all(t, t.weight >= 1 && t.weight <= 100)",
        message = "affinity.podAffinity: every preferred term's weight must be between 1 and 100")
@ValidationRule(value = "!has(self.affinity) || !has(self.affinity.podAntiAffinity)"
        + " || !has(self.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution)"
        + " || self.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.all(t, t.weight >= 1 && t.weight <= 100)",
        message = "affinity.podAntiAffinity: every preferred term's weight must be between 1 and 100")
public class RelayScheduling {

    /** Largest value of a Kubernetes int32 field. */
    static final long INT32_MAX = Integer.MAX_VALUE;
    /** Bounds on the lists keep the CEL cost estimate within the API server's budget. */
    static final int MAX_TOLERATIONS = 64;
    static final int MAX_SPREAD_CONSTRAINTS = 16;

    @JsonPropertyDescription("Node labels a relay pod's node must have.")
    private Map<String, String> nodeSelector;

    @Size(max = MAX_TOLERATIONS)
    @JsonPropertyDescription("Taints the relay pods tolerate.")
    private List<Toleration> tolerations;

    @JsonPropertyDescription("Node and pod (anti-)affinity. Without it the operator prefers spreading the nodes "
            + "of a region over cluster nodes.")
    private Affinity affinity;

    @Size(max = MAX_SPREAD_CONSTRAINTS)
    @JsonPropertyDescription("How the relay pods spread across topology domains.")
    private List<TopologySpreadConstraint> topologySpreadConstraints;

    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    @Size(max = 253)
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

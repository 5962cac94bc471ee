package dev.waystation.crd.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** How each node is exposed: one Service per node, each with its own address, or the node's own network. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.loadBalancerClass) || self.type == 'LoadBalancer'",
        message = "loadBalancerClass applies to type LoadBalancer only")
@ValidationRule(value = "!has(self.nodes) || self.type == 'LoadBalancer' || self.nodes.all(n, !has(n.loadBalancerIP))",
        message = "nodes[].loadBalancerIP applies to type LoadBalancer only")
@ValidationRule(value = "self.type != 'HostNetwork' || (!has(self.annotations) && !has(self.ipFamilyPolicy)"
        + " && !has(self.ipFamilies) && (!has(self.nodes) || self.nodes.all(n, !has(n.annotations))))",
        message = "type HostNetwork makes no Service: annotations, ipFamilyPolicy, ipFamilies and nodes[].annotations do not apply")
@ValidationRule(value = "!has(self.ipFamilies) || size(self.ipFamilies) < 2"
        + " || (self.ipFamilies[0] != self.ipFamilies[1] && has(self.ipFamilyPolicy) && self.ipFamilyPolicy != 'SingleStack')",
        message = "two ipFamilies must differ and need ipFamilyPolicy PreferDualStack or RequireDualStack")
@ValidationRule(value = "!has(self.ipFamilyPolicy) || self.ipFamilyPolicy != 'RequireDualStack'"
        + " || !has(self.ipFamilies) || size(self.ipFamilies) == 2",
        message = "ipFamilyPolicy RequireDualStack needs both ipFamilies (or none, for the cluster's order)")
public class RegionService {

    @Default("LoadBalancer")
    @JsonPropertyDescription("How every node is exposed: a per-node Service of this type, or HostNetwork (no "
            + "Service; the relay listens on its node's own ports, for dedicated nodes).")
    private RelayServiceType type = RelayServiceType.LoadBalancer;

    @Size(max = 64)
    @JsonPropertyDescription("Annotations added to every per-node Service (cloud load-balancer settings, "
            + "external-dns hostnames, ...); nodes[i].annotations add to or override them for node i.")
    private Map<String, String> annotations;

    @Size(min = 1, max = 253)
    @JsonPropertyDescription("spec.loadBalancerClass of every per-node Service (type LoadBalancer): which load "
            + "balancer implementation serves them, e.g. service.k8s.aws/nlb. Immutable on a Service once set.")
    private String loadBalancerClass;

    @JsonPropertyDescription("spec.ipFamilyPolicy of every per-node Service. Default: the cluster's (SingleStack).")
    private IpFamilyPolicy ipFamilyPolicy;

    @Size(min = 1, max = 2)
    @JsonPropertyDescription("spec.ipFamilies of every per-node Service, in order of preference (IPv4, IPv6).")
    private List<IpFamily> ipFamilies;

    @Size(max = DerpRegionSpec.MAX_NODES)
    @JsonPropertyDescription("Per-node settings: entry i applies to node i (annotations, loadBalancerIP, the "
            + "addresses published in the DERP map). Nodes without an entry use the shared settings.")
    private List<NodeExposure> nodes;

    /** Node {@code index}'s own settings, or null when {@link #getNodes()} does not reach it. */
    public NodeExposure nodeAt(int index) {
        return nodes == null || index >= nodes.size() ? null : nodes.get(index);
    }

    public RelayServiceType getType() {
        return type;
    }

    public void setType(RelayServiceType type) {
        this.type = type;
    }

    public Map<String, String> getAnnotations() {
        return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
        this.annotations = annotations;
    }

    public String getLoadBalancerClass() {
        return loadBalancerClass;
    }

    public void setLoadBalancerClass(String loadBalancerClass) {
        this.loadBalancerClass = loadBalancerClass;
    }

    public IpFamilyPolicy getIpFamilyPolicy() {
        return ipFamilyPolicy;
    }

    public void setIpFamilyPolicy(IpFamilyPolicy ipFamilyPolicy) {
        this.ipFamilyPolicy = ipFamilyPolicy;
    }

    public List<IpFamily> getIpFamilies() {
        return ipFamilies;
    }

    public void setIpFamilies(List<IpFamily> ipFamilies) {
        this.ipFamilies = ipFamilies;
    }

    public List<NodeExposure> getNodes() {
        return nodes;
    }

    public void setNodes(List<NodeExposure> nodes) {
        this.nodes = nodes;
    }
}

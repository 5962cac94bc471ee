package dev.waystation.crd.v1alpha1;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * What differs between the nodes of one region: entry {@code i} of {@code spec.service.nodes} is
 * node {@code i}'s (an Elastic IP, a MetalLB address, an external-dns name per node).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeExposure {

    /** An IPv4 literal. */
    public static final String IPV4_PATTERN = "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])[.]){3}"
            + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$";
    /** An IPv6 literal (hex groups and colons; the API server does not parse it further). */
    public static final String IPV6_PATTERN = "^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$";

    @Size(max = 64)
    @JsonPropertyDescription("Annotations of this node's Service, over spec.service.annotations (the node's "
            + "value wins): e.g. external-dns.alpha.kubernetes.io/hostname, "
            + "service.beta.kubernetes.io/aws-load-balancer-eip-allocations, metallb.universe.tf/loadBalancerIPs.")
    private Map<String, String> annotations;

    @Size(min = 1, max = 45)
    @JsonPropertyDescription("spec.loadBalancerIP of this node's Service (type LoadBalancer), for providers that "
            + "take the address from there; others read an annotation.")
    private String loadBalancerIP;

    @Size(min = 1, max = 15)
    @Pattern(IPV4_PATTERN)
    @JsonPropertyDescription("IPv4 address published for this node in the DERP map (IPv4), instead of the one "
            + "observed (load balancer IP, or for NodePort and HostNetwork the node's internal IP).")
    private String ipv4;

    @Size(min = 2, max = 45)
    @Pattern(IPV6_PATTERN)
    @JsonPropertyDescription("IPv6 address published for this node in the DERP map (IPv6), instead of the one observed.")
    private String ipv6;

    public Map<String, String> getAnnotations() {
        return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
        this.annotations = annotations;
    }

    public String getLoadBalancerIP() {
        return loadBalancerIP;
    }

    public void setLoadBalancerIP(String loadBalancerIP) {
        this.loadBalancerIP = loadBalancerIP;
    }

    public String getIpv4() {
        return ipv4;
    }

    public void setIpv4(String ipv4) {
        this.ipv4 = ipv4;
    }

    public String getIpv6() {
        return ipv6;
    }

    public void setIpv6(String ipv6) {
        this.ipv6 = ipv6;
    }
}

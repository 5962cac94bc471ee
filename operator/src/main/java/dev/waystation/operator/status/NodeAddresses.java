package dev.waystation.operator.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.NodeExposure;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import dev.waystation.operator.region.RegionDefaults;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;

/**
 * Where clients reach a node. The hostname comes from {@code spec.hostnames[i]}, else the template,
 * else the node's IPv4 or IPv6 address, else its load balancer's hostname. The addresses are
 * {@code spec.service.nodes[i].ipv4/ipv6} when set (an Elastic IP in front of a node, say), else
 * what the cluster shows: the load balancer's IPs, the cluster IPs of a {@code ClusterIP} Service,
 * or for {@code NodePort} and {@code HostNetwork} the IPs of the Kubernetes node the pod runs on.
 */
public final class NodeAddresses {

    private NodeAddresses() {
    }

    public static String hostName(DerpRegionSpec spec, int index, String nodeName, Service service, Pod pod) {
        Optional<String> configured = configuredHostName(spec, index, nodeName);
        if (configured.isPresent()) {
            return configured.get();
        }
        Optional<String> address = ipv4(spec, index, service, pod).or(() -> ipv6(spec, index, service, pod));
        if (address.isPresent()) {
            return address.get();
        }
        return loadBalancerIngress(service).stream().map(LoadBalancerIngress::getHostname)
                .filter(h -> h != null && !h.isEmpty()).findFirst().orElse(null);
    }

    /** The hostname the spec gives node {@code index} ({@code hostnames[i]} or the template), if any. */
    public static Optional<String> configuredHostName(DerpRegionSpec spec, int index, String nodeName) {
        if (spec.getHostnames() != null && index < spec.getHostnames().size()) {
            return Optional.of(spec.getHostnames().get(index));
        }
        if (spec.getHostnameTemplate() != null) {
            return Optional.of(spec.getHostnameTemplate().replace("{index}", String.valueOf(index))
                    .replace("{name}", nodeName));
        }
        return Optional.empty();
    }

    static Optional<String> ipv4(DerpRegionSpec spec, int index, Service service, Pod pod) {
        NodeExposure node = spec.getService() == null ? null : spec.getService().nodeAt(index);
        if (node != null && node.getIpv4() != null) {
            return Optional.of(node.getIpv4());
        }
        return observed(spec, service, pod).stream().filter(a -> !a.contains(":")).findFirst();
    }

    static Optional<String> ipv6(DerpRegionSpec spec, int index, Service service, Pod pod) {
        NodeExposure node = spec.getService() == null ? null : spec.getService().nodeAt(index);
        if (node != null && node.getIpv6() != null) {
            return Optional.of(node.getIpv6());
        }
        return observed(spec, service, pod).stream().filter(a -> a.contains(":")).findFirst();
    }

    private static List<String> observed(DerpRegionSpec spec, Service service, Pod pod) {
        List<String> addresses = new ArrayList<>();
        RelayServiceType type = RegionDefaults.serviceType(spec);
        if (type == RelayServiceType.NodePort || type == RelayServiceType.HostNetwork) {
            if (pod != null && pod.getStatus() != null && pod.getStatus().getHostIPs() != null) {
                pod.getStatus().getHostIPs().stream().map(HostIP::getIp).filter(ip -> ip != null && !ip.isEmpty())
                        .forEach(addresses::add);
            }
            return addresses;
        }
        if (service == null || service.getSpec() == null) {
            return addresses;
        }
        if (type == RelayServiceType.LoadBalancer) {
            loadBalancerIngress(service).stream().map(LoadBalancerIngress::getIp)
                    .filter(ip -> ip != null && !ip.isEmpty()).forEach(addresses::add);
        } else if (service.getSpec().getClusterIPs() != null) {
            service.getSpec().getClusterIPs().stream().filter(ip -> !"None".equals(ip)).forEach(addresses::add);
        }
        return addresses;
    }

    private static List<LoadBalancerIngress> loadBalancerIngress(Service service) {
        if (service == null || service.getStatus() == null || service.getStatus().getLoadBalancer() == null
                || service.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        return service.getStatus().getLoadBalancer().getIngress();
    }
}

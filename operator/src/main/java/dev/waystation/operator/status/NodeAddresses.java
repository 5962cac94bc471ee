package dev.waystation.operator.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;

/**
 * Where clients reach a node. The hostname comes from {@code spec.hostnames[i]}, else the template,
 * else the address of the node's Service (its load balancer's IP or hostname; the cluster IP for
 * {@code ClusterIP} Services). IPv4/IPv6 are the Service's addresses when it has them.
 */
public final class NodeAddresses {

    private NodeAddresses() {
    }

    static String hostName(DerpRegionSpec spec, int index, String nodeName, Service service) {
        Optional<String> configured = configuredHostName(spec, index, nodeName);
        if (configured.isPresent()) {
            return configured.get();
        }
        List<String> addresses = addresses(service);
        if (!addresses.isEmpty()) {
            return addresses.get(0);
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

    static Optional<String> ipv4(Service service) {
        return addresses(service).stream().filter(a -> !a.contains(":")).findFirst();
    }

    static Optional<String> ipv6(Service service) {
        return addresses(service).stream().filter(a -> a.contains(":")).findFirst();
    }

    /** Load-balancer IPs for LoadBalancer Services, cluster IPs for ClusterIP ones, none for NodePort. */
    private static List<String> addresses(Service service) {
        List<String> addresses = new ArrayList<>();
        if (service == null || service.getSpec() == null) {
            return addresses;
        }
        String type = service.getSpec().getType();
        if ("LoadBalancer".equals(type)) {
            loadBalancerIngress(service).stream().map(LoadBalancerIngress::getIp)
                    .filter(ip -> ip != null && !ip.isEmpty()).forEach(addresses::add);
        } else if ("ClusterIP".equals(type) && service.getSpec().getClusterIPs() != null) {
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

package dev.waystation.operator.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.IpFamily;
import dev.waystation.crd.v1alpha1.IpFamilyPolicy;
import dev.waystation.crd.v1alpha1.NodeExposure;
import dev.waystation.crd.v1alpha1.RegionService;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

/** The per-node Services: shared settings on every node's, per-node settings on that node's only. */
class NodeServicesTest {

    private static List<Service> services(DerpRegion region) {
        return new NodeServices().desired(region).stream().map(Service.class::cast).toList();
    }

    private static NodeExposure node(Map<String, String> annotations, String loadBalancerIP) {
        NodeExposure node = new NodeExposure();
        node.setAnnotations(annotations);
        node.setLoadBalancerIP(loadBalancerIP);
        return node;
    }

    @Test
    void everyNodeGetsItsOwnServiceWithThePublicPortsMappedOntoTheContainerPorts() {
        List<Service> services = services(Regions.region(2, null));
        assertThat(services).extracting(s -> s.getMetadata().getName()).containsExactly("fra-0", "fra-1");
        Service first = services.get(0);
        assertThat(first.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(first.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
        assertThat(first.getSpec().getSelector()).containsEntry(RegionObjects.POD_NAME_LABEL, "fra-0");
        assertThat(first.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getProtocol,
                ServicePort::getPort, p -> p.getTargetPort().getIntVal()).containsExactly(
                        tuple("derp", "TCP", 443, 8443), tuple("http", "TCP", 80, 8080), tuple("stun", "UDP", 3478, 3478));
        assertThat(first.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(first.getSpec().getLoadBalancerClass()).isNull();
        assertThat(first.getSpec().getIpFamilies()).isNullOrEmpty();
    }

    @Test
    void sharedAndPerNodeSettings() {
        DerpRegion region = Regions.region(3, RelayServiceType.LoadBalancer);
        RegionService service = region.getSpec().getService();
        service.setAnnotations(Map.of("service.beta.kubernetes.io/aws-load-balancer-scheme", "internet-facing",
                "external-dns.alpha.kubernetes.io/ttl", "60"));
        service.setLoadBalancerClass("service.k8s.aws/nlb");
        service.setIpFamilyPolicy(IpFamilyPolicy.PreferDualStack);
        service.setIpFamilies(List.of(IpFamily.IPv6, IpFamily.IPv4));
        service.setNodes(List.of(
                node(Map.of("external-dns.alpha.kubernetes.io/hostname", "derp0.example.com",
                        "external-dns.alpha.kubernetes.io/ttl", "300"), "203.0.113.10"),
                node(null, "203.0.113.11")));

        List<Service> services = services(region);
        assertThat(services).allSatisfy(s -> {
            assertThat(s.getSpec().getLoadBalancerClass()).isEqualTo("service.k8s.aws/nlb");
            assertThat(s.getSpec().getIpFamilyPolicy()).isEqualTo("PreferDualStack");
            assertThat(s.getSpec().getIpFamilies()).containsExactly("IPv6", "IPv4");
            assertThat(s.getMetadata().getAnnotations())
                    .containsEntry("service.beta.kubernetes.io/aws-load-balancer-scheme", "internet-facing");
        });
        // The node's own value wins over the shared one; other nodes keep the shared one.
        assertThat(services.get(0).getMetadata().getAnnotations())
                .containsEntry("external-dns.alpha.kubernetes.io/hostname", "derp0.example.com")
                .containsEntry("external-dns.alpha.kubernetes.io/ttl", "300");
        assertThat(services.get(1).getMetadata().getAnnotations())
                .doesNotContainKey("external-dns.alpha.kubernetes.io/hostname")
                .containsEntry("external-dns.alpha.kubernetes.io/ttl", "60");
        assertThat(services).extracting(s -> s.getSpec().getLoadBalancerIP())
                .containsExactly("203.0.113.10", "203.0.113.11", null);
    }

    @Test
    void nodePortAndClusterIpServices() {
        Service nodePort = services(Regions.region(1, RelayServiceType.NodePort)).get(0);
        assertThat(nodePort.getSpec().getType()).isEqualTo("NodePort");
        assertThat(nodePort.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
        assertThat(nodePort.getSpec().getLoadBalancerClass()).isNull();
        Service clusterIp = services(Regions.region(1, RelayServiceType.ClusterIP)).get(0);
        assertThat(clusterIp.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(clusterIp.getSpec().getExternalTrafficPolicy()).isNull();
    }

    @Test
    void noHttpPortWhenTurnedOff() {
        DerpRegion region = Regions.region(1, null);
        region.getSpec().setHttpPort(0);
        assertThat(services(region).get(0).getSpec().getPorts()).extracting(ServicePort::getName)
                .containsExactly("derp", "stun");
    }

    @Test
    void hostNetworkHasNoNodeServices() {
        assertThat(services(Regions.region(2, RelayServiceType.HostNetwork))).isEmpty();
    }
}

package dev.waystation.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.waystation.crd.v1alpha1.Conditions;
import dev.waystation.crd.v1alpha1.DerpMapNode;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionStatus;
import dev.waystation.crd.v1alpha1.NodeExposure;
import dev.waystation.crd.v1alpha1.RegionService;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/**
 * What the DERP map tells clients for each exposure: the address and ports that really reach the
 * node (node ports and the node's IP for NodePort, the node's IP and the region's ports for
 * HostNetwork, per-node addresses when configured) and CanPort80 only where port 80 reaches it.
 */
class ExposureDerpMapTest {

    private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

    private static DerpRegion region(RelayServiceType type) {
        DerpRegion region = RegionStatusCalculatorTest.region(1);
        RegionService service = new RegionService();
        service.setType(type);
        region.getSpec().setService(service);
        return region;
    }

    private static Pod readyPodOn(String... hostIps) {
        PodBuilder pod = new PodBuilder().withNewStatus().addNewCondition().withType("Ready").withStatus("True")
                .endCondition().endStatus();
        for (String ip : hostIps) {
            pod.editStatus().addNewHostIP().withIp(ip).endHostIP().endStatus();
        }
        return pod.build();
    }

    private static Service nodePortService(Integer derpNodePort, Integer stunNodePort) {
        return new ServiceBuilder().withNewSpec().withType("NodePort")
                .addNewPort().withName("derp").withPort(443).withNodePort(derpNodePort).endPort()
                .addNewPort().withName("http").withPort(80).withNodePort(30080).endPort()
                .addNewPort().withName("stun").withProtocol("UDP").withPort(3478).withNodePort(stunNodePort).endPort()
                .endSpec().build();
    }

    private static DerpRegionStatus status(DerpRegion region, Service service, Pod pod) {
        return RegionStatusCalculator.compute(region, List.of(new NodeObservation(0, service, pod)), Optional.empty(),
                NOW);
    }

    private static DerpMapNode onlyNode(DerpRegionStatus status) {
        assertThat(status.getDerpMapRegion()).as("the region is in the DERP map").isNotNull();
        assertThat(status.getDerpMapRegion().getNodes()).hasSize(1);
        return status.getDerpMapRegion().getNodes().get(0);
    }

    @Test
    void nodePortPublishesTheAllocatedNodePortsAndTheNodesAddress() {
        DerpMapNode node = onlyNode(status(region(RelayServiceType.NodePort), nodePortService(31443, 31478),
                readyPodOn("10.250.0.1", "fd00::1")));
        assertThat(node.getHostName()).isEqualTo("10.250.0.1");
        assertThat(node.getIpv4()).isEqualTo("10.250.0.1");
        assertThat(node.getIpv6()).isEqualTo("fd00::1");
        assertThat(node.getDerpPort()).isEqualTo(31443);
        assertThat(node.getStunPort()).isEqualTo(31478);
        assertThat(node.getCanPort80()).as("port 80 of the node is not the relay's").isFalse();
    }

    @Test
    void nodePortWithoutAllocatedPortsIsNotPublishedYet() {
        DerpRegionStatus status = status(region(RelayServiceType.NodePort), nodePortService(null, null),
                readyPodOn("10.250.0.1"));
        assertThat(status.getDerpMapRegion()).isNull();
        assertThat(Conditions.find(status.getConditions(), Conditions.READY).orElseThrow().getReason())
                .isEqualTo(RegionStatusCalculator.REASON_ADDRESS_PENDING);
    }

    @Test
    void hostNetworkPublishesTheNodesAddressAndTheRegionsPorts() {
        DerpRegion region = region(RelayServiceType.HostNetwork);
        region.getSpec().setDerpPort(8443);
        region.getSpec().setStunPort(3478);
        DerpMapNode node = onlyNode(status(region, null, readyPodOn("192.0.2.7")));
        assertThat(node.getHostName()).isEqualTo("192.0.2.7");
        assertThat(node.getDerpPort()).isEqualTo(8443);
        assertThat(node.getStunPort()).isEqualTo(3478);
        assertThat(node.getCanPort80()).as("httpPort defaults to 80, bound on the node itself").isTrue();

        region.getSpec().setHttpPort(8080);
        assertThat(onlyNode(status(region, null, readyPodOn("192.0.2.7"))).getCanPort80()).isFalse();
    }

    @Test
    void configuredAddressesWinOverObservedOnes() {
        DerpRegion region = region(RelayServiceType.NodePort);
        NodeExposure exposure = new NodeExposure();
        exposure.setIpv4("203.0.113.10");
        region.getSpec().getService().setNodes(List.of(exposure));
        DerpMapNode node = onlyNode(status(region, nodePortService(31443, 31478), readyPodOn("10.250.0.1", "fd00::1")));
        assertThat(node.getHostName()).isEqualTo("203.0.113.10");
        assertThat(node.getIpv4()).isEqualTo("203.0.113.10");
        assertThat(node.getIpv6()).as("not configured: observed").isEqualTo("fd00::1");
    }

    @Test
    void loadBalancerCanPort80OnlyWhenTheServiceHasPort80() {
        DerpRegion region = region(RelayServiceType.LoadBalancer);
        Service service = new ServiceBuilder().withNewSpec().withType("LoadBalancer").endSpec().withNewStatus()
                .withNewLoadBalancer().addNewIngress().withIp("198.51.100.4").endIngress().endLoadBalancer().endStatus()
                .build();
        DerpMapNode node = onlyNode(status(region, service, readyPodOn("10.0.0.5")));
        assertThat(node.getHostName()).as("the load balancer, not the node").isEqualTo("198.51.100.4");
        assertThat(node.getDerpPort()).isEqualTo(443);
        assertThat(node.getCanPort80()).isTrue();

        region.getSpec().setHttpPort(0);
        assertThat(onlyNode(status(region, service, readyPodOn("10.0.0.5"))).getCanPort80()).isFalse();
    }
}

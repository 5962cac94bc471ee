package dev.waystation.operator.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.waystation.crd.v1alpha1.DerpMapNode;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionStatus;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import dev.waystation.operator.status.NodeAddresses;
import dev.waystation.operator.status.NodeObservation;
import dev.waystation.operator.status.RegionStatusCalculator;
import dev.waystation.operator.tls.NodeCertificateIssuer;
import dev.waystation.operator.tls.NodeCertificateLifetime;
import dev.waystation.operator.tls.ServedCertificate;
import dev.waystation.tls.CertificateFileNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/**
 * A SelfSigned region's node certificates across reconciles, with the operator's own issuing and
 * status code: the first pair of a node published under a cluster-assigned address is its last
 * (until renewal), and a rotation in a 2-node region touches only the node that is due, its new pin
 * published from the same Secret the relays load.
 */
class NodeCertificateSecretTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final List<String> CLUSTER_IPS = List.of("10.96.0.10", "10.96.0.11");

    private static Secret secret(Map<String, String> data) {
        return new SecretBuilder().withNewMetadata().withName("fra-node-tls").withNamespace("edge").endMetadata()
                .withData(data.isEmpty() ? null : data).build();
    }

    private static Service clusterIpService(int index) {
        return new ServiceBuilder().withNewMetadata().withName("fra-" + index).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIPs(CLUSTER_IPS.get(index)).endSpec().build();
    }

    private static Pod readyPod(int index) {
        return new PodBuilder().withNewMetadata().withName("fra-" + index).endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build();
    }

    /** What the reconciler hands {@link NodeCertificateSecret#ensure}: per node, the address the map will publish. */
    private static Map<Integer, String> published(DerpRegion region, List<Service> services) {
        Map<Integer, String> names = new HashMap<>();
        for (int i = 0; i < region.getSpec().getNodes(); i++) {
            String name = NodeAddresses.hostName(region.getSpec(), i,
                    RegionStatusCalculator.nodeName(region.getSpec().getRegionId(), i),
                    i < services.size() ? services.get(i) : null, null);
            if (name != null) {
                names.put(i, name);
            }
        }
        return names;
    }

    private static String certificateKey(DerpRegion region, int index) {
        return CertificateFileNames.certificate(RelayEnvironment.relayHostname(region, index));
    }

    @Test
    void aNodeWithoutConfiguredHostnameGetsOnePairOnceItsAddressIsKnownAndLaterReconcilesWriteNothing() {
        DerpRegion region = Regions.region(2, RelayServiceType.ClusterIP);
        NodeCertificateSecret certificates = new NodeCertificateSecret();

        // First reconcile: the per-node Services do not exist yet, so neither does the address.
        Map<String, String> first = NodeCertificateSecret.wanted(region, null, published(region, List.of()), T0);
        assertThat(first).as("no pair before the address the DERP map will publish is known").isEmpty();

        // Next reconcile: the Services got their cluster IPs.
        List<Service> services = List.of(clusterIpService(0), clusterIpService(1));
        Map<Integer, String> addresses = published(region, services);
        Map<String, String> issued = NodeCertificateSecret.wanted(region, secret(first), addresses, T0.plusSeconds(5));
        assertThat(issued).containsKeys(certificateKey(region, 0), certificateKey(region, 1),
                NodeCertificateIssuer.MESH_CA_KEY);
        Optional<ServedCertificate> node0 = NodeCertificateSecret.served(region, secret(issued), 0);
        assertThat(node0).isPresent();

        // Unchanged inputs, later: the same data, so ensure() returns the Secret it was given and never
        // reaches the client (none is passed: any write would fail).
        Secret current = secret(issued);
        for (Instant later : List.of(T0.plusSeconds(60), T0.plus(Duration.ofDays(200)))) {
            assertThat(NodeCertificateSecret.wanted(region, current, addresses, later)).isEqualTo(issued);
            assertThat(certificates.ensure(region, current, addresses, null, later)).isSameAs(current);
        }
        // An address that goes away for a while (a Service being recreated) keeps the pair too.
        assertThat(certificates.ensure(region, current, published(region, List.of()), null, T0.plusSeconds(90)))
                .isSameAs(current);
        assertThat(NodeCertificateSecret.served(region, current, 0)).isEqualTo(node0);
    }

    @Test
    void inATwoNodeRegionOnlyTheDueNodeRotatesAndTheMapCarriesExactlyThePinsTheSecretHolds() {
        DerpRegion region = Regions.region(2, RelayServiceType.ClusterIP);
        region.getSpec().setHostnames(List.of("derp0.example.com", "derp1.example.com"));
        List<Service> services = List.of(clusterIpService(0), clusterIpService(1));
        Map<Integer, String> addresses = published(region, services);

        // Node 0 was issued at T0, node 1 (the region scaled up) 100 days later.
        region.getSpec().setNodes(1);
        Map<String, String> oneNode = NodeCertificateSecret.wanted(region, null, addresses, T0);
        region.getSpec().setNodes(2);
        Instant scaledUp = T0.plus(Duration.ofDays(100));
        Secret before = secret(NodeCertificateSecret.wanted(region, secret(oneNode), addresses, scaledUp));
        DerpRegionStatus statusBefore = status(region, services, before);
        assertMapPinsAreTheSecretsPins(region, statusBefore, before);

        // Node 0 reaches its renewal point; node 1 is 100 days younger and not due.
        Instant node0Due = T0.plus(NodeCertificateLifetime.LIFETIME).minus(NodeCertificateLifetime.RENEW_BEFORE);
        Secret after = secret(NodeCertificateSecret.wanted(region, before, addresses, node0Due));

        String node0Key = CertificateFileNames.key(RelayEnvironment.relayHostname(region, 0));
        String node1Key = CertificateFileNames.key(RelayEnvironment.relayHostname(region, 1));
        assertThat(after.getData().get(certificateKey(region, 0))).isNotEqualTo(before.getData().get(certificateKey(region, 0)));
        assertThat(after.getData().get(node0Key)).isNotEqualTo(before.getData().get(node0Key));
        assertThat(after.getData().get(certificateKey(region, 1))).isEqualTo(before.getData().get(certificateKey(region, 1)));
        assertThat(after.getData().get(node1Key)).isEqualTo(before.getData().get(node1Key));

        // The reconcile that writes the renewed pair computes the status from that same Secret: the map
        // switches node 0 to the pin its relay will load from the mount, never to one it cannot load,
        // and node 1's entry does not move.
        DerpRegionStatus statusAfter = status(region, services, after);
        assertMapPinsAreTheSecretsPins(region, statusAfter, after);
        Map<String, String> pinsBefore = mapPins(statusBefore);
        Map<String, String> pinsAfter = mapPins(statusAfter);
        assertThat(pinsAfter.get("901b")).isEqualTo(pinsBefore.get("901b"));
        assertThat(pinsAfter.get("901a")).isNotEqualTo(pinsBefore.get("901a"));
        assertThat(statusAfter.getNodes()).extracting(node -> node.getCertName())
                .containsExactlyElementsOf(pinsAfter.values());
    }

    private static DerpRegionStatus status(DerpRegion region, List<Service> services, Secret nodeCertificates) {
        List<NodeObservation> nodes = List.of(0, 1).stream()
                .map(i -> new NodeObservation(i, services.get(i), readyPod(i),
                        NodeCertificateSecret.served(region, nodeCertificates, i)))
                .toList();
        return RegionStatusCalculator.compute(region, nodes, Optional.empty(), T0);
    }

    private static Map<String, String> mapPins(DerpRegionStatus status) {
        return status.getDerpMapRegion().getNodes().stream()
                .collect(Collectors.toMap(DerpMapNode::getName, DerpMapNode::getCertName, (a, b) -> a,
                        java.util.LinkedHashMap::new));
    }

    private static void assertMapPinsAreTheSecretsPins(DerpRegion region, DerpRegionStatus status, Secret secret) {
        List<DerpMapNode> nodes = status.getDerpMapRegion().getNodes();
        assertThat(nodes).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(nodes.get(i).getCertName()).startsWith("sha256-raw:")
                    .isEqualTo(NodeCertificateSecret.served(region, secret, i).orElseThrow().pin());
        }
    }
}

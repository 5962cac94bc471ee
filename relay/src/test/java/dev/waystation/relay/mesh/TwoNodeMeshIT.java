package dev.waystation.relay.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.waystation.relay.metrics.Promtool;
import dev.waystation.testing.GoCheck;

/**
 * A two-node Waystation region over TLS on loopback (each node its own name, port and certificate
 * from a test CA; each lists both nodes, itself included, as derper's -mesh-with allows), driven by
 * Tailscale's own clients: clients homed on different nodes reach each other, PeerGone crosses the
 * mesh, a moving client is reachable again within a second, derpprobe's mesh probes pass, a graceful
 * restart and a killed node are survived.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodeMeshIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MeshRegion region;
    private MeshRegion.Node a;
    private MeshRegion.Node b;

    @BeforeAll
    void startRegion() throws Exception {
        region = new MeshRegion("two");
        a = region.waystation("node-a.mesh.test");
        b = region.waystation("node-b.mesh.test");
        a.start(List.of(a, b));
        b.start(List.of(a, b));
        a.awaitLinkUp(b);
        b.awaitLinkUp(a);
    }

    @AfterAll
    void stopRegion() {
        if (region != null) {
            region.close();
        }
    }

    @Test
    @Order(1)
    void clientsOnDifferentNodesExchangePacketsBothWays() {
        region.meshcheck("cross", a.url(), b.url());
        region.meshcheck("cross", b.url(), a.url());
        assertThat(a.metric("derp_packets_forwarded_out_total")).isPositive();
        assertThat(b.metric("derp_packets_forwarded_in_total")).isPositive();
        assertThat(a.metric("waystation_mesh_forwarded_packets_total{peer=\"" + b.name + ":" + b.port + "\"}"))
                .isPositive();
    }

    @Test
    @Order(2)
    void peerGoneCrossesTheMesh() {
        region.meshcheck("peergone", a.url(), b.url());
    }

    @Test
    @Order(3)
    void aClientMovingFromAToBIsReachableWithinASecond() {
        GoCheck.Result result = region.meshcheck("move", a.url(), a.url(), b.url());
        assertThat(result.output()).contains("MOVED reachable");
    }

    @Test
    @Order(4)
    void derpprobeMeshProbesPassForEveryPair() throws Exception {
        region.derpprobe(List.of(a, b));
    }

    @Test
    @Order(5)
    void debugAndMetricsShowEachPeerItsStateAndClients() throws Exception {
        JsonNode debug = JSON.readTree(a.relay.get("/debug/mesh").body());
        assertThat(debug.path("transport").asText()).isEqualTo("tls");
        JsonNode peers = debug.path("peers");
        assertThat(peers).hasSize(1); // its own entry is skipped
        assertThat(peers.get(0).path("peer").asText()).isEqualTo(b.name + ":" + b.port);
        assertThat(peers.get(0).path("state").asText()).isEqualTo("UP");
        // b's only connection is a's own mesh link into it: one client announced.
        assertThat(peers.get(0).path("clients").asInt()).isGreaterThanOrEqualTo(1);
        Promtool.Verdict verdict = Promtool.checkMetrics(a.relay.metrics());
        assertThat(verdict.exitCode()).as(verdict.output()).isZero();
    }

    @Test
    @Order(6)
    void aGracefulRestartIsAnnouncedAndTheLinkComesBack() {
        String peer = "{peer=\"" + b.name + ":" + b.port + "\"}";
        double connects = a.metric("waystation_mesh_link_connects_total" + peer);
        b.stop();
        Awaitility.await("a heard b's Restarting and saw its link drop").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> a.metric("waystation_mesh_restarting_received_total" + peer) == 1 && !a.linkUp(b));
        assertThat(a.metric("waystation_mesh_peer_clients" + peer)).isZero();
        b.start(List.of(a, b));
        a.awaitLinkUp(b);
        assertThat(a.metric("waystation_mesh_link_connects_total" + peer)).isEqualTo(connects + 1);
        region.meshcheck("cross", a.url(), b.url());
    }

    @Test
    @Order(7)
    void whenANodeDiesItsClientsReHomeAndTrafficResumes() {
        b.awaitLinkUp(a);
        a.awaitLinkUp(b);
        // The partner stays on a; the other client's region lists b first, then a.
        try (GoCheck.Running failover = region.startMeshcheck("failover", a.url(), b.url(), a.url())) {
            Awaitility.await("failover exchanging").atMost(Duration.ofSeconds(60))
                    .until(() -> failover.said("READY") || !failover.process().isAlive());
            assertThat(failover.said("READY")).as(failover.output() + region.logs()).isTrue();
            b.kill();
            GoCheck.Result result = failover.await(MeshRegion.GO_TIMEOUT_SECONDS);
            assertThat(result.ok()).as("meshcheck failover:\n%s\n%s", result.output(), region.logs()).isTrue();
            assertThat(result.output()).contains("RESUMED");
        }
        Awaitility.await("a reports b down").atMost(Duration.ofSeconds(30)).until(() -> !a.linkUp(b));
        assertThat(a.metric("waystation_mesh_peer_up{peer=\"" + b.name + ":" + b.port + "\"}")).isZero();
        assertThat(a.metric("waystation_mesh_link_failures_total{peer=\"" + b.name + ":" + b.port + "\"}"))
                .isPositive();
    }
}

package dev.waystation.relay.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.waystation.relay.tls.PemFiles;

/**
 * A SelfSigned region scaling out without restarts: node A trusts its peers by pinning their
 * self-signed certificates (its mesh CA file lists them, as the operator's {@code mesh-ca.crt} does)
 * and reads that file and its peer list from Kubernetes-style volumes updated by symlink swaps. Polling
 * is set to ten minutes on A, so only the file watch can notice an update within the test's waits.
 * A new peer C is listed but not yet trusted: A's link to C fails verification; once the trust file
 * gains C, A meshes with C and clients on A and C exchange packets; a broken trust file keeps the last
 * good trust; a peer whose certificate left the file is refused when it next connects.
 */
class MeshTrustReloadIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRUST_FILE = "mesh-ca.crt";
    private static final String PEER_FILE = "mesh-peers";
    private static final Duration SWAP_SEEN_WITHIN = Duration.ofSeconds(30);

    @Test
    void aRelayTrustsAndForgetsPeersAsItsMountedTrustFileChanges() throws Exception {
        try (MeshRegion region = new MeshRegion("trust")) {
            MeshRegion.Node a = region.selfSignedWaystation("node-a.mesh.test");
            MeshRegion.Node b = region.selfSignedWaystation("node-b.mesh.test");
            MeshRegion.Node c = region.selfSignedWaystation("node-c.mesh.test");
            SecretVolume trust = new SecretVolume(region.dir().resolve("a-node-tls"));
            SecretVolume peers = new SecretVolume(region.dir().resolve("a-mesh-peers"));
            trust.update(Map.of(TRUST_FILE, pins(a, b)));
            peers.update(Map.of(PEER_FILE, entries(a, b)));
            a.extraConfig.put("waystation.relay.mesh-ca-file", trust.path(TRUST_FILE).toString());
            a.extraConfig.put("waystation.relay.mesh-with-file", peers.path(PEER_FILE).toString());
            a.extraConfig.put("waystation.relay.mesh-with-reload-interval", "10m");
            a.extraConfig.put("waystation.relay.tls.reload-check-interval", "10m");
            Path everyone = region.dir().resolve("all-pins.crt");
            Files.writeString(everyone, pins(a, b, c));
            for (MeshRegion.Node other : List.of(b, c)) {
                other.extraConfig.put("waystation.relay.mesh-ca-file", everyone.toString());
            }
            a.start(List.of());
            b.start(List.of(a, b));
            c.start(List.of(a, c));
            a.awaitLinkUp(b);
            assertThat(a.metric("waystation_mesh_trust_certificates")).isEqualTo(2);

            // The region scales out: C joins A's peer list (a symlink swap) before its certificate is pinned.
            peers.update(Map.of(PEER_FILE, entries(a, b, c)));
            Awaitility.await("A dials C and fails to verify it").atMost(SWAP_SEEN_WITHIN)
                    .pollInterval(Duration.ofMillis(200)).until(() -> a.metric(failures(c)) >= 1);
            assertThat(a.linkUp(c)).isFalse();
            assertThat(a.metric(connects(c))).isZero();
            assertThat(lastError(a, c)).as("A's refusal of C").contains("connect to").contains("certification path");

            // The Secret gains C's certificate: A meshes with C without restarting.
            double reloads = a.metric(trustReloads("success"));
            trust.update(Map.of(TRUST_FILE, pins(a, b, c)));
            a.awaitLinkUp(c);
            assertThat(a.metric(trustReloads("success"))).isEqualTo(reloads + 1);
            assertThat(a.metric("waystation_mesh_trust_certificates")).isEqualTo(3);
            region.meshcheck("cross", a.url(), c.url());
            region.meshcheck("cross", c.url(), a.url());

            // A broken file is refused and the last good trust stays.
            trust.update(Map.of(TRUST_FILE, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"));
            Awaitility.await("A refuses the broken trust file").atMost(SWAP_SEEN_WITHIN)
                    .pollInterval(Duration.ofMillis(200)).until(() -> a.metric(trustReloads("failure")) >= 1);
            assertThat(a.metric("waystation_mesh_trust_certificates")).isEqualTo(3);
            assertThat(a.relay.logText()).contains("the last good trust stays");

            // B's certificate leaves the file: the link up stays, B's next connect is refused.
            trust.update(Map.of(TRUST_FILE, pins(a, c)));
            Awaitility.await("A reloads trust without B").atMost(SWAP_SEEN_WITHIN)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> a.metric("waystation_mesh_trust_certificates") == 2);
            assertThat(a.linkUp(b)).as("a link already up is not cut").isTrue();
            double bConnects = a.metric(connects(b));
            double bFailures = a.metric(failures(b));
            b.stop();
            b.start(List.of(a, b));
            // While B restarts A's dials are refused by the port; once B listens, by the trust.
            Awaitility.await("A's redial of the restarted B fails verification").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> a.metric(failures(b)) > bFailures && lastError(a, b).contains("certification path"));
            assertThat(a.metric(connects(b))).isEqualTo(bConnects);
            assertThat(a.linkUp(b)).isFalse();
            assertThat(a.linkUp(c)).as("C stays meshed").isTrue();
        }
    }

    /** The PEM of the nodes' self-signed certificates: the operator's {@code mesh-ca.crt}. */
    private static String pins(MeshRegion.Node... nodes) throws Exception {
        StringBuilder pem = new StringBuilder();
        for (MeshRegion.Node node : nodes) {
            pem.append(PemFiles.encodeChain(node.certificate.chain()));
        }
        return pem.toString();
    }

    private static String entries(MeshRegion.Node... nodes) {
        StringBuilder list = new StringBuilder();
        for (MeshRegion.Node node : nodes) {
            list.append(node.meshEntry()).append('\n');
        }
        return list.toString();
    }

    private static String failures(MeshRegion.Node peer) {
        return "waystation_mesh_link_failures_total{peer=\"" + peer.name + ":" + peer.port + "\"}";
    }

    private static String connects(MeshRegion.Node peer) {
        return "waystation_mesh_link_connects_total{peer=\"" + peer.name + ":" + peer.port + "\"}";
    }

    private static String trustReloads(String result) {
        return "waystation_mesh_trust_reloads_total{result=\"" + result + "\"}";
    }

    private static String lastError(MeshRegion.Node node, MeshRegion.Node peer) throws Exception {
        for (JsonNode link : JSON.readTree(node.relay.get("/debug/mesh").body()).path("peers")) {
            if (link.path("peer").asText().equals(peer.name + ":" + peer.port)) {
                return link.path("lastError").asText();
            }
        }
        throw new AssertionError(node.name + " has no link to " + peer.name);
    }
}

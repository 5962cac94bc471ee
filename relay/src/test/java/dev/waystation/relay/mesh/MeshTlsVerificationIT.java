package dev.waystation.relay.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Mesh links verify the peer's certificate for the entry's name. The peer here answers any TLS name
 * (its hostname is an IP literal) with a certificate for {@code node-v.mesh.test} and that IP: the entry naming
 * that comes up, the entry naming {@code wrong.mesh.test} at the same address never does, and says why;
 * a relay trusting another CA refuses the peer whatever the name.
 */
class MeshTlsVerificationIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPeerWhoseCertificateLacksTheEntrysNameIsRefused() throws Exception {
        try (MeshRegion region = new MeshRegion("verify")) {
            // Its own name is the IP (so it answers any TLS name); the certificate carries both.
            MeshRegion.Node v = region.waystation("node-v.mesh.test", MeshRegion.DIAL_HOST);
            v.extraConfig.put("waystation.relay.hostname", MeshRegion.DIAL_HOST);
            MeshRegion.Node a = region.waystation("node-a.mesh.test");
            v.start(List.of());
            String good = v.meshEntry();
            String wrong = "wrong.mesh.test:" + v.port + "/" + MeshRegion.DIAL_HOST;
            a.start(List.of());
            a.writePeerEntries(List.of(good, wrong));
            a.awaitLinkUp(v);
            Awaitility.await("the wrongly named link failed").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> a.metric("waystation_mesh_link_failures_total{peer=\"wrong.mesh.test:" + v.port
                            + "\"}") >= 2);
            assertThat(a.metric("waystation_mesh_peer_up{peer=\"wrong.mesh.test:" + v.port + "\"}")).isZero();
            assertThat(a.metric("waystation_mesh_link_connects_total{peer=\"wrong.mesh.test:" + v.port + "\"}"))
                    .isZero();
            JsonNode peers = JSON.readTree(a.relay.get("/debug/mesh").body()).path("peers");
            JsonNode refused = null;
            for (JsonNode peer : peers) {
                if (peer.path("peer").asText().startsWith("wrong.mesh.test")) {
                    refused = peer;
                }
            }
            assertThat(refused).as("/debug/mesh: %s", peers).isNotNull();
            assertThat(refused.path("lastError").asText()).as("/debug/mesh: %s", peers)
                    .contains("not valid for wrong.mesh.test");

            // A relay that trusts another CA refuses even the rightly named peer.
            MeshRegion.Node x = region.waystation("node-x.mesh.test");
            x.extraConfig.put("waystation.relay.mesh-ca-file", region.otherCaFile().toString());
            x.start(List.of(v));
            Awaitility.await("the untrusted link failed").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> x.metric("waystation_mesh_link_failures_total{peer=\"" + v.name + ":" + v.port
                            + "\"}") >= 2);
            assertThat(x.metric("waystation_mesh_link_connects_total{peer=\"" + v.name + ":" + v.port + "\"}"))
                    .isZero();
        }
    }
}

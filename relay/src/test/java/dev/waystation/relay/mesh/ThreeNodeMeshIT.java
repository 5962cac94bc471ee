package dev.waystation.relay.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.waystation.testing.GoCheck;

/**
 * A region that grows from two Waystation nodes to three while running: the third node's entry is
 * added to the first two nodes' peer files (as the operator's ConfigMap update does on scale-up) and
 * they mesh with it without a restart; then clients on any two nodes reach each other and a client
 * moving between nodes stays reachable from a third.
 */
class ThreeNodeMeshIT {

    @Test
    void aRegionScalesToThreeNodesLiveAndEveryPairExchanges() throws Exception {
        try (MeshRegion region = new MeshRegion("three")) {
            MeshRegion.Node a = region.waystation("node-a.mesh.test");
            MeshRegion.Node b = region.waystation("node-b.mesh.test");
            MeshRegion.Node c = region.waystation("node-c.mesh.test");
            a.start(List.of(a, b));
            b.start(List.of(a, b));
            a.awaitLinkUp(b);
            b.awaitLinkUp(a);
            long pidA = a.relay.process().pid();
            long pidB = b.relay.process().pid();

            c.start(List.of(a, b, c));
            a.writePeers(List.of(a, b, c));
            b.writePeers(List.of(a, b, c));
            for (MeshRegion.Node from : List.of(a, b, c)) {
                for (MeshRegion.Node to : List.of(a, b, c)) {
                    if (from != to) {
                        from.awaitLinkUp(to);
                    }
                }
            }
            assertThat(a.relay.process().pid()).isEqualTo(pidA);
            assertThat(b.relay.process().pid()).isEqualTo(pidB);
            assertThat(a.metric("waystation_mesh_peers")).isEqualTo(2);

            region.meshcheck("cross", a.url(), c.url());
            region.meshcheck("cross", c.url(), b.url());
            region.meshcheck("cross", b.url(), a.url());
            region.meshcheck("peergone", c.url(), a.url());
            GoCheck.Result move = region.meshcheck("move", b.url(), a.url(), c.url());
            assertThat(move.output()).contains("MOVED reachable");

            // Scale back down: c leaves a's and b's lists, and they drop the link to it.
            a.writePeers(List.of(a, b));
            b.writePeers(List.of(a, b));
            org.awaitility.Awaitility.await("a stops dialling c").atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> a.metric("waystation_mesh_peers") == 1);
            region.meshcheck("cross", a.url(), b.url());
        }
    }
}

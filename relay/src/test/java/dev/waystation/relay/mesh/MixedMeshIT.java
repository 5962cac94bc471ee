package dev.waystation.relay.mesh;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A region of one Waystation node and one real derper (built from {@code tailscale.com/cmd/derper} at
 * the harness's version, TLS from the same test CA): derper {@code -mesh-with} Waystation and Waystation
 * {@code mesh-with} derper. Clients on either side reach each other both ways, derpprobe's mesh probes
 * pass, and after either node is killed and started again the mesh comes back by itself.
 */
class MixedMeshIT {

    @Test
    void waystationAndDerperMeshBothWaysAndRecoverFromEitherRestarting() throws Exception {
        try (MeshRegion region = new MeshRegion("mixed")) {
            MeshRegion.Node w = region.waystation("node-w.mesh.test");
            MeshRegion.Node d = region.derper("node-d.mesh.test");
            List<MeshRegion.Node> both = List.of(w, d);
            d.start(both);
            w.start(both);
            w.awaitLinkUp(d);

            region.meshcheck("cross", w.url(), d.url());
            region.meshcheck("cross", d.url(), w.url());
            region.meshcheck("peergone", w.url(), d.url());
            region.meshcheck("peergone", d.url(), w.url());
            region.derpprobe(both);

            d.kill();
            org.awaitility.Awaitility.await("waystation sees derper's link down")
                    .atMost(java.time.Duration.ofSeconds(30)).until(() -> !w.linkUp(d));
            d.start(both);
            w.awaitLinkUp(d);
            region.meshcheck("cross", w.url(), d.url());
            region.meshcheck("cross", d.url(), w.url());

            w.kill();
            w.start(both);
            w.awaitLinkUp(d);
            // derper's own link into Waystation redials every 5 s: the check waits for first contact.
            region.meshcheck("cross", d.url(), w.url());
            region.meshcheck("cross", w.url(), d.url());
        }
    }
}

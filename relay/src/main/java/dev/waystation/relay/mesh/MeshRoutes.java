package dev.waystation.relay.mesh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.waystation.relay.derp.DerpServer;
import dev.waystation.relay.derp.NodeKey;

/**
 * Which peers reach which remote clients, and which of them the DERP server forwards through. A key
 * announced by several peers (a client moving between nodes, or connected to two at once) is
 * forwarded through the peer that announced it last, since a moving client's new node speaks up
 * after its old one; when that peer loses the key, the previous one takes over. The server is told
 * about the new route before the old one is withdrawn, so a key never looks gone from the region
 * while another peer still has it.
 */
final class MeshRoutes {

    private final DerpServer server;
    private final MeshMetrics metrics;
    /** Key to the links announcing it, oldest first; the last one is the route. Guarded by this. */
    private final Map<NodeKey, List<MeshLink>> routes = new HashMap<>();

    MeshRoutes(DerpServer server, MeshMetrics metrics) {
        this.server = server;
        this.metrics = metrics;
    }

    /** {@code link}'s peer has a client {@code key} (PeerPresent). */
    synchronized void present(NodeKey key, MeshLink link) {
        List<MeshLink> links = routes.computeIfAbsent(key, k -> new ArrayList<>(1));
        if (!links.isEmpty() && links.get(links.size() - 1) == link) {
            return;
        }
        links.remove(link);
        links.add(link);
        if (links.size() == 2) {
            metrics.multiForwarderCreated.increment();
        }
        server.addPacketForwarder(key, link);
    }

    /** {@code link}'s peer no longer has {@code key} (PeerGone, or the link went down). */
    synchronized void gone(NodeKey key, MeshLink link) {
        List<MeshLink> links = routes.get(key);
        if (links == null || !links.contains(link)) {
            metrics.forwarderDeleteOtherValue.increment();
            return;
        }
        boolean wasRoute = links.get(links.size() - 1) == link;
        links.remove(link);
        if (links.size() == 1) {
            metrics.multiForwarderDeleted.increment();
        }
        if (links.isEmpty()) {
            routes.remove(key);
            server.removePacketForwarder(key, link);
        } else if (wasRoute) {
            server.addPacketForwarder(key, links.get(links.size() - 1));
        }
    }

    /** Keys currently reachable only through mesh peers' announcements, for /debug. */
    synchronized int size() {
        return routes.size();
    }
}

package dev.waystation.relay.mesh;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.waystation.relay.debug.DebugEndpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code GET /debug/mesh}: this relay's mesh peers, each with its link state (and since when), the
 * number of clients it announced, the last failure, whether it said it is restarting, and the
 * packets and bytes forwarded to it.
 */
@Singleton
public class MeshDebugEndpoint implements DebugEndpoint {

    @Inject
    RegionMesh mesh;

    @Override
    public void mount(Router debug) {
        debug.get("/mesh").handler(context -> context.response().putHeader("content-type", "application/json")
                .end(describe().encodePrettily()));
    }

    JsonObject describe() {
        JsonArray peers = new JsonArray();
        for (MeshLink link : mesh.links()) {
            MeshPeerAddress address = link.address();
            peers.add(new JsonObject()
                    .put("peer", address.label())
                    .put("dial", address.dialHost() + ":" + address.dialPort())
                    .put("state", link.state().name())
                    .put("since", link.stateSince().toString())
                    .put("clients", link.clientCount())
                    .put("restarting", link.restarting())
                    .put("lastError", link.lastError())
                    .put("forwardedPackets", link.forwardedPackets.sum())
                    .put("forwardedBytes", link.forwardedBytes.sum())
                    .put("forwardDrops", link.forwardDrops.sum()));
        }
        return new JsonObject().put("enabled", mesh.enabled()).put("self", mesh.selfName())
                .put("transport", mesh.enabled() ? (mesh.tls() ? "tls" : "plain") : null).put("peers", peers);
    }
}

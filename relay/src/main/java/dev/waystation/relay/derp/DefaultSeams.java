package dev.waystation.relay.derp;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.quarkus.arc.DefaultBean;
import io.vertx.core.Future;

/**
 * Behaviour of the seams when no other subsystem supplies a bean: admit everyone, never throttle,
 * advertise no token bucket, a minimal HTTP responder, no WebSocket transport.
 */
@ApplicationScoped
public class DefaultSeams {

    @Produces
    @DefaultBean
    @ApplicationScoped
    ClientAdmission admitEveryone() {
        return request -> Future.succeededFuture(true);
    }

    @Produces
    @DefaultBean
    @ApplicationScoped
    ReadThrottle noThrottle() {
        return client -> null;
    }

    @Produces
    @DefaultBean
    @ApplicationScoped
    ServerInfoProvider unlimited() {
        return (client, info) -> ServerInfo.UNLIMITED;
    }

    @Produces
    @DefaultBean
    @ApplicationScoped
    ConnectionAcceptHook acceptAll() {
        return (remote, listener) -> true;
    }

    /** {@code /} answers 200, everything else 404. */
    @Produces
    @DefaultBean
    @ApplicationScoped
    HttpEndpoints minimalEndpoints() {
        return exchange -> {
            if ("/".equals(exchange.request().path())) {
                exchange.respond(200, "Waystation DERP relay\n");
            } else {
                exchange.respond(404, "not found\n");
            }
        };
    }

    @Produces
    @DefaultBean
    @ApplicationScoped
    WebSocketUpgrade noWebSocket() {
        return (exchange, leftover) -> {
            if (leftover != null) {
                leftover.release();
            }
            exchange.respond(501, "DERP over WebSocket is not available\n");
        };
    }
}

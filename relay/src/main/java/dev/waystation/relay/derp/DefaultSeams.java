package dev.waystation.relay.derp;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.quarkus.arc.DefaultBean;
import io.vertx.core.Future;

/**
 * Behaviour of the seams when no other subsystem supplies a bean: admit everyone, never throttle,
 * advertise no token bucket. (HTTP endpoints and WebSocket come from {@code relay.endpoints} and
 * {@code relay.websocket}.)
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
}

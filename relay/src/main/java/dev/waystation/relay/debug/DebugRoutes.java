package dev.waystation.relay.debug;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Mounts {@code /debug/*} on the management interface. Every request passes {@link #admit} first:
 * the one place where access control for the debug API belongs.
 */
@Singleton
public class DebugRoutes {

    static final String MOUNT = "/debug/*";

    @Inject
    Vertx vertx;

    @Inject
    DebugAccess access;

    @Inject
    @Any
    Instance<DebugEndpoint> endpoints;

    void mount(@Observes ManagementInterface management) {
        Router debug = Router.router(vertx);
        debug.route().order(Integer.MIN_VALUE).handler(this::admit);
        for (DebugEndpoint endpoint : endpoints) {
            endpoint.mount(debug);
        }
        management.router().route(MOUNT).subRouter(debug);
    }

    /** Access check for every debug request (derper's answer to strangers: 403 "debug access denied"). */
    void admit(RoutingContext context) {
        String remote = context.request().remoteAddress() == null ? "" : context.request().remoteAddress().hostAddress();
        boolean forwarded = context.request().getHeader("X-Forwarded-For") != null;
        if (access.allows(remote, forwarded)) {
            context.next();
        } else {
            context.response().setStatusCode(403).end("debug access denied\n");
        }
    }
}

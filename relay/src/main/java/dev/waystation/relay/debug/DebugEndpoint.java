package dev.waystation.relay.debug;

import io.vertx.ext.web.Router;

/** A CDI bean that serves something under {@code /debug} on the management port. */
public interface DebugEndpoint {

    /** Adds routes to the {@code /debug} router; paths are relative to it ({@code /policy}). */
    void mount(Router debug);
}

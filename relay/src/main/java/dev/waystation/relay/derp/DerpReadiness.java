package dev.waystation.relay.derp;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once every DERP listener is bound and the server key is loaded. */
@Readiness
@ApplicationScoped
public class DerpReadiness implements HealthCheck {

    @Inject
    DerpListeners listeners;
    @Inject
    DerpServer server;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("derp")
                .status(listeners.isBound() && server.isKeyLoaded())
                .withData("listeners-bound", listeners.isBound())
                .withData("key-loaded", server.isKeyLoaded())
                .withData("derp-port", listeners.port(ListenerSpec.DERP))
                .withData("http-port", listeners.port(ListenerSpec.HTTP))
                .build();
    }
}

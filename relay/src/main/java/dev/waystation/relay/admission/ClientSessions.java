package dev.waystation.relay.admission;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.waystation.relay.derp.NodeKey;
import dev.waystation.relay.derp.ReadThrottle;
import dev.waystation.relay.policy.RelayPolicy;

/**
 * Per-client policy for admitted connections: each connection gets a {@link ClientSession} that
 * enforces the client's byte-rate limit on reads (as derper does; the limit is never advertised in
 * ServerInfo, because Tailscale's client would then drop its own packets above it) and follows
 * policy changes live. The client's policy state lives exactly as long as its connections
 * ({@link RelayPolicy#clients()}).
 */
@ApplicationScoped
public class ClientSessions implements ReadThrottle {

    @Inject
    RelayPolicy policy;
    @Inject
    AdmissionEnforcer enforcer;
    @Inject
    AdmissionMetrics metrics;

    @Override
    public Throttle forClient(NodeKey client) {
        return new ClientSession(client, policy.clients(), this);
    }

    void disallowed(NodeKey client) {
        enforcer.disconnect(client, AdmissionReason.CLIENT_NOT_ALLOWED);
    }

    void throttled() {
        metrics.readThrottled();
    }
}

package dev.waystation.relay.admission;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.waystation.relay.derp.ClientInfo;
import dev.waystation.relay.derp.NodeKey;
import dev.waystation.relay.derp.ReadThrottle;
import dev.waystation.relay.derp.ServerInfo;
import dev.waystation.relay.derp.ServerInfoProvider;
import dev.waystation.relay.policy.RelayPolicy;

/**
 * Per-client policy for admitted connections: advertises each client's byte-rate limit in its
 * ServerInfo (the token-bucket fields of derper's protocol; clients learn a changed limit when they
 * reconnect) and hands each connection a {@link ClientSession} that enforces the limit on reads and
 * follows policy changes live. A client's resultant policy is released with its last connection.
 */
@ApplicationScoped
public class ClientSessions implements ReadThrottle, ServerInfoProvider {

    @Inject
    RelayPolicy policy;
    @Inject
    AdmissionEnforcer enforcer;
    @Inject
    AdmissionMetrics metrics;

    /** Open sessions per client; a key can have several connections (derper's duplicate rule). */
    private final Map<NodeKey, Integer> openSessions = new ConcurrentHashMap<>();

    @Override
    public ServerInfo serverInfo(NodeKey client, ClientInfo clientInfo) {
        ClientLimits limits = ClientLimits.of(policy.client(client.toString()));
        return limits.unlimited() ? ServerInfo.UNLIMITED : new ServerInfo(limits.bytesPerSecond(), limits.burstBytes());
    }

    @Override
    public Throttle forClient(NodeKey client) {
        openSessions.merge(client, 1, Integer::sum);
        return new ClientSession(client, policy.clientView(client.toString()), this);
    }

    void closed(ClientSession session) {
        NodeKey client = session.client();
        Integer left = openSessions.computeIfPresent(client, (key, count) -> count > 1 ? count - 1 : null);
        if (left == null) {
            policy.releaseClient(client.toString());
        }
    }

    /**
     * Forgets the resultant policy that admission created for a client it then refused, so clients
     * cycling through random keys cannot grow the engine without bound.
     */
    void releaseIfUnused(NodeKey client) {
        if (!openSessions.containsKey(client)) {
            policy.releaseClient(client.toString());
        }
    }

    void disallowed(NodeKey client) {
        enforcer.disconnect(client, AdmissionReason.CLIENT_NOT_ALLOWED);
    }

    void throttled() {
        metrics.readThrottled();
    }
}

package dev.waystation.relay.admission;

import dev.waystation.policy.rsop.MemberPolicies;
import dev.waystation.policy.source.Subscription;
import dev.waystation.relay.derp.NodeKey;
import dev.waystation.relay.derp.ReadThrottle;
import dev.waystation.relay.policy.ClientPolicy;
import dev.waystation.relay.ratelimit.TokenBucket;

/**
 * The live policy of one admitted connection: its read throttle (token bucket from
 * {@code Client.RateLimitBytesPerSecond}/{@code Client.RateBurstBytes}, changed in place when the
 * policy changes, so limits move without reconnecting) and its {@code Client.Allowed} setting,
 * which disconnects the client the moment it turns false. Bound to the client's policy from
 * construction to {@link #close()}.
 */
final class ClientSession implements ReadThrottle.Throttle {

    private final NodeKey client;
    private final TokenBucket bucket = TokenBucket.unlimited(System::nanoTime);
    private final ClientSessions owner;
    private final Subscription subscription;

    ClientSession(NodeKey client, MemberPolicies<ClientPolicy> policies, ClientSessions owner) {
        this.client = client;
        this.owner = owner;
        this.subscription = policies.bind(client.toString(), this::policyChanged);
    }

    @Override
    public long charge(int bytes) {
        long wait = bucket.charge(ClientLimits.chargeFor(bytes));
        if (wait > 0) {
            owner.throttled();
        }
        return wait;
    }

    @Override
    public void close() {
        subscription.close();
    }

    private void policyChanged(ClientPolicy policy) {
        ClientLimits limits = ClientLimits.of(policy);
        bucket.reconfigure(limits.bytesPerSecond(), limits.burstBytes());
        if (!policy.allowed()) {
            owner.disallowed(client);
        }
    }
}

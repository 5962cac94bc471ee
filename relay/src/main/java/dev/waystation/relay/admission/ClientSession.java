package dev.waystation.relay.admission;

import dev.waystation.policy.source.Subscription;
import dev.waystation.relay.derp.NodeKey;
import dev.waystation.relay.derp.ReadThrottle;
import dev.waystation.relay.policy.ClientPolicy;
import dev.waystation.relay.policy.PolicyView;
import dev.waystation.relay.ratelimit.TokenBucket;

/**
 * The live policy of one admitted connection: its read throttle (token bucket from
 * {@code Client.RateLimitBytesPerSecond}/{@code Client.RateBurstBytes}, changed in place when the
 * policy changes, so limits move without reconnecting) and its {@code Client.Allowed} setting,
 * which disconnects the client the moment it turns false.
 */
final class ClientSession implements ReadThrottle.Throttle {

    private final NodeKey client;
    private final TokenBucket bucket;
    private final Subscription subscription;
    private final ClientSessions owner;

    ClientSession(NodeKey client, PolicyView<ClientPolicy> view, ClientSessions owner) {
        this.client = client;
        this.owner = owner;
        ClientLimits limits = ClientLimits.of(view.current());
        this.bucket = new TokenBucket(limits.bytesPerSecond(), limits.burstBytes(), System::nanoTime);
        this.subscription = view.subscribe(this::policyChanged);
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
        owner.closed(this);
    }

    NodeKey client() {
        return client;
    }

    private void policyChanged(ClientPolicy policy) {
        ClientLimits limits = ClientLimits.of(policy);
        bucket.reconfigure(limits.bytesPerSecond(), limits.burstBytes());
        if (!policy.allowed()) {
            owner.disallowed(client);
        }
    }
}

package dev.waystation.relay.admission;

import java.net.InetSocketAddress;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.waystation.relay.derp.ConnectionAcceptHook;
import dev.waystation.relay.derp.ListenerSpec;
import dev.waystation.relay.policy.AdmissionPolicy;
import dev.waystation.relay.policy.RelayPolicy;

/**
 * derper's accept-rate limit ({@code Admission.AcceptRatePerSecond}/{@code Admission.AcceptBurst}),
 * applied per source network rather than globally (see {@link AcceptBuckets}): a connection over its
 * source's limit is closed at once and counted, and the listener keeps accepting (derper's Go
 * listener stops serving after the first rejection; we do not copy that). Unlike derper it applies
 * to every DERP listener, not only TLS. Burst 0 means one second's worth.
 */
@Singleton
public class AcceptRateLimiter implements ConnectionAcceptHook {

    @Inject
    RelayPolicy policy;
    @Inject
    AdmissionMetrics metrics;
    @Inject
    AdmissionConfig config;

    private AcceptBuckets buckets;

    @PostConstruct
    void start() {
        buckets = new AcceptBuckets(config.acceptSourcesMax(), System::nanoTime);
        metrics.acceptSources(buckets);
        policy.admission().bind(this::configure);
    }

    @Override
    public boolean accept(InetSocketAddress remoteAddress, ListenerSpec listener) {
        boolean allowed = buckets.tryTake(remoteAddress == null ? null : remoteAddress.getAddress());
        metrics.accept(allowed);
        return allowed;
    }

    private void configure(AdmissionPolicy rules) {
        long rate = rules.acceptRatePerSecond();
        long burst = rules.acceptBurst() > 0 ? rules.acceptBurst() : Math.max(1, rate);
        buckets.reconfigure(rate, burst);
    }
}

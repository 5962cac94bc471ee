package dev.waystation.relay.admission;

import java.util.EnumMap;
import java.util.Map;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Admission and accept-rate counters. Every reason is pre-created at zero so dashboards and alerts
 * see the series before the first rejection.
 */
@Singleton
public class AdmissionMetrics {

    private final Map<AdmissionReason, Counter> decisions = new EnumMap<>(AdmissionReason.class);
    private final Counter disconnects;
    private final Counter acceptsAllowed;
    private final Counter acceptsRejected;
    private final Counter readThrottleWaits;
    private final Counter reverifyKept;
    private final MeterRegistry registry;

    public AdmissionMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (AdmissionReason reason : AdmissionReason.values()) {
            decisions.put(reason, Counter.builder("waystation_admission_decisions")
                    .description("Client admission decisions at handshake, by outcome and reason")
                    .tag("result", reason.admitted() ? "admitted" : "rejected")
                    .tag("reason", reason.label())
                    .register(registry));
        }
        disconnects = Counter.builder("waystation_admission_policy_disconnects")
                .description("Connected clients disconnected because a policy change no longer admits them")
                .register(registry);
        // derper's names (tls_listener_*); Waystation applies the limit on every DERP listener.
        acceptsAllowed = Counter.builder("tls_listener_accepted_connections")
                .description("TCP connections let through by the accept-rate limit")
                .register(registry);
        acceptsRejected = Counter.builder("tls_listener_rejected_connections")
                .description("TCP connections closed at once by the accept-rate limit")
                .register(registry);
        readThrottleWaits = Counter.builder("rate_limit_per_client_waited")
                .description("Times a client's reads were paused by its byte rate limit")
                .register(registry);
        reverifyKept = Counter.builder("waystation_admission_reverify_kept")
                .description("Connected clients kept after a webhook change because their re-check got no answer")
                .register(registry);
    }

    /** Gauges of the webhook client's bound: calls in flight and checks waiting for one. */
    void webhookQueue(WebhookSlots slots) {
        Gauge.builder("waystation_admission_webhook_in_flight", slots, WebhookSlots::inFlight)
                .description("Admission webhook calls in flight (bound: waystation.admission.webhook.max-connections)")
                .register(registry);
        Gauge.builder("waystation_admission_webhook_queued", slots, WebhookSlots::queued)
                .description("Admission checks waiting for a webhook connection (bound: waystation.admission.webhook.max-queued)")
                .register(registry);
    }

    /** The per-source accept buckets: how many are kept and how many were dropped for room. */
    void acceptSources(AcceptBuckets buckets) {
        Gauge.builder("waystation_admission_accept_sources", buckets, AcceptBuckets::size)
                .description("Source networks with an accept-rate bucket (bound: waystation.admission.accept-sources-max)")
                .register(registry);
        FunctionCounter.builder("waystation_admission_accept_sources_evicted", buckets, AcceptBuckets::evicted)
                .description("Accept-rate buckets dropped, least recently seen first, to stay within the bound")
                .register(registry);
    }

    void reverifyKept() {
        reverifyKept.increment();
    }

    void decided(AdmissionReason reason) {
        decisions.get(reason).increment();
    }

    void disconnectedByPolicy() {
        disconnects.increment();
    }

    void accept(boolean allowed) {
        (allowed ? acceptsAllowed : acceptsRejected).increment();
    }

    void readThrottled() {
        readThrottleWaits.increment();
    }
}

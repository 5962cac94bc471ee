package dev.waystation.relay.tls.acme;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * ACME meters: {@code waystation_acme_orders_total{outcome}} (one per order the relay places:
 * {@code issued}, {@code failed}, {@code rate_limited}), {@code waystation_acme_stored_certificates_total}
 * (certificates taken from storage at start instead of ordering), {@code waystation_acme_consecutive_failures}
 * and {@code waystation_acme_next_attempt_timestamp_seconds} (next order or renewal, Unix seconds).
 */
final class AcmeMetrics {

    static final String ISSUED = "issued";
    static final String FAILED = "failed";
    static final String RATE_LIMITED = "rate_limited";

    // Function counters read these at scrape time: a certificate loaded during start-up, before the
    // Prometheus registry joins Quarkus' composite registry, would be lost by an ordinary counter.
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong consecutiveFailures = new AtomicLong();
    private final AtomicLong nextAttempt = new AtomicLong();

    AcmeMetrics(MeterRegistry registry) {
        orders(registry, ISSUED, issued);
        orders(registry, FAILED, failed);
        orders(registry, RATE_LIMITED, rateLimited);
        FunctionCounter.builder("waystation.acme.stored.certificates", stored, AtomicLong::get)
                .description("ACME certificates loaded from storage at start instead of ordering").register(registry);
        Gauge.builder("waystation.acme.consecutive.failures", consecutiveFailures, AtomicLong::get)
                .description("ACME orders failed in a row (0 after a success)").register(registry);
        Gauge.builder("waystation.acme.next.attempt.timestamp", nextAttempt, AtomicLong::get).baseUnit("seconds")
                .description("when the next ACME order (retry or renewal) is planned, Unix seconds").register(registry);
    }

    private static void orders(MeterRegistry registry, String outcome, AtomicLong count) {
        FunctionCounter.builder("waystation.acme.orders", count, AtomicLong::get).tag("outcome", outcome)
                .description("ACME orders placed, by outcome").register(registry);
    }

    void issued() {
        issued.incrementAndGet();
        consecutiveFailures.set(0);
    }

    void failed(boolean rateLimitedByCa) {
        (rateLimitedByCa ? rateLimited : failed).incrementAndGet();
        consecutiveFailures.incrementAndGet();
    }

    void loadedFromStore() {
        stored.incrementAndGet();
    }

    void nextAttemptAt(long epochSecond) {
        nextAttempt.set(epochSecond);
    }
}

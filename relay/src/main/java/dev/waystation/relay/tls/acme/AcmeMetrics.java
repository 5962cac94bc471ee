package dev.waystation.relay.tls.acme;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
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

    private final Counter issued;
    private final Counter failed;
    private final Counter rateLimited;
    private final Counter stored;
    private final AtomicLong consecutiveFailures = new AtomicLong();
    private final AtomicLong nextAttempt = new AtomicLong();

    AcmeMetrics(MeterRegistry registry) {
        issued = orders(registry, ISSUED);
        failed = orders(registry, FAILED);
        rateLimited = orders(registry, RATE_LIMITED);
        stored = Counter.builder("waystation.acme.stored.certificates")
                .description("ACME certificates loaded from storage at start instead of ordering").register(registry);
        Gauge.builder("waystation.acme.consecutive.failures", consecutiveFailures, AtomicLong::get)
                .description("ACME orders failed in a row (0 after a success)").register(registry);
        Gauge.builder("waystation.acme.next.attempt.timestamp", nextAttempt, AtomicLong::get).baseUnit("seconds")
                .description("when the next ACME order (retry or renewal) is planned, Unix seconds").register(registry);
    }

    private static Counter orders(MeterRegistry registry, String outcome) {
        return Counter.builder("waystation.acme.orders").tag("outcome", outcome)
                .description("ACME orders placed, by outcome").register(registry);
    }

    void issued() {
        issued.increment();
        consecutiveFailures.set(0);
    }

    void failed(boolean rateLimitedByCa) {
        (rateLimitedByCa ? rateLimited : failed).increment();
        consecutiveFailures.incrementAndGet();
    }

    void loadedFromStore() {
        stored.increment();
    }

    void nextAttemptAt(long epochSecond) {
        nextAttempt.set(epochSecond);
    }
}

package dev.waystation.relay.stun;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * STUN counters under derper's names (so derper dashboards carry over) with Prometheus' {@code _total}
 * suffix, plus Waystation's drop breakdown. All series exist from start-up at 0, as in derper
 * (a {@code @Singleton}, so no client proxy sits on the hot path and the meters register eagerly).
 * <ul>
 * <li>{@code stun_requests_total{disposition}}: derper's {@code stun_requests}; {@code not_stun}
 * counts every dropped datagram, whatever the reason.</li>
 * <li>{@code stun_addrfamily_total{family}}: derper's {@code stun_addrfamily}, answered requests by
 * client address family ({@code ipv4} includes IPv4-mapped IPv6 senders).</li>
 * <li>{@code stun_dropped_total{reason}}: why datagrams were dropped; sums to
 * {@code stun_requests_total{disposition="not_stun"}}.</li>
 * </ul>
 * Counts are {@link LongAdder}s read by function counters: a Micrometer counter behind Quarkus'
 * composite registry costs a loop over registries per increment, twice per datagram here.
 */
@Singleton
public class StunMetrics {

    static final String REQUESTS = "stun.requests";
    static final String ADDRESS_FAMILY = "stun.addrfamily";
    static final String DROPPED = "stun.dropped";

    private final LongAdder success;
    private final LongAdder notStun;
    private final LongAdder readError;
    private final LongAdder writeError;
    private final LongAdder ipv4;
    private final LongAdder ipv6;
    private final Map<Verdict, LongAdder> dropped = new EnumMap<>(Verdict.class);

    public StunMetrics(MeterRegistry registry) {
        success = request(registry, "success");
        notStun = request(registry, "not_stun");
        readError = request(registry, "read_error");
        writeError = request(registry, "write_error");
        ipv4 = family(registry, "ipv4");
        ipv6 = family(registry, "ipv6");
        for (Verdict verdict : Verdict.values()) {
            if (verdict != Verdict.ANSWER) {
                dropped.put(verdict, counter(registry, DROPPED, "reason", verdict.reason,
                        "STUN datagrams dropped without reply, by reason"));
            }
        }
    }

    private static LongAdder request(MeterRegistry registry, String disposition) {
        return counter(registry, REQUESTS, "disposition", disposition, "STUN datagrams by outcome (derper: stun_requests)");
    }

    private static LongAdder family(MeterRegistry registry, String family) {
        return counter(registry, ADDRESS_FAMILY, "family", family,
                "Answered STUN binding requests by client address family (derper: stun_addrfamily)");
    }

    /** Registers a counter reading a new adder and returns it; the registry holds the adder only weakly, this class strongly. */
    private static LongAdder counter(MeterRegistry registry, String name, String tag, String value, String description) {
        LongAdder adder = new LongAdder();
        FunctionCounter.builder(name, adder, LongAdder::doubleValue).tag(tag, value).description(description).register(registry);
        return adder;
    }

    void answered(boolean ipv4Client) {
        (ipv4Client ? ipv4 : ipv6).increment();
        success.increment();
    }

    void dropped(Verdict verdict) {
        dropped.get(verdict).increment();
        notStun.increment();
    }

    void readError() {
        readError.increment();
    }

    void writeError() {
        writeError.increment();
    }
}

package dev.waystation.relay.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

import dev.waystation.testing.GoCheck;
import dev.waystation.testing.RelayProcess;

/**
 * The frame of every adversarial suite: a relay process with a small heap and a small direct-memory
 * limit, its policy from a file the suite may rewrite, and a pair of Tailscale {@code derphttp}
 * clients ({@code derpcheck pair}) exchanging packets for the whole run. After each attack the pair
 * still exchanges, heap and direct memory come back near where they were before the attacks, the
 * relay is still live, and a fresh pair of clients exchanges packets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AdversarialSuite {

    protected static final long MIB = 1024 * 1024;
    /** Small enough that an unbounded buffer anywhere shows as an OutOfMemoryError within one attack. */
    private static final List<String> SMALL_MEMORY = List.of("-Xmx64m", "-XX:MaxDirectMemorySize=48m");
    /** Heap in use may sit this far above the baseline once the attack is over (garbage not yet collected). */
    private static final long HEAP_SLACK = 24 * MIB;
    /** Direct memory may sit this far above the baseline: pooled arenas keep a few chunks for reuse. */
    private static final long DIRECT_SLACK = 16 * MIB;
    private static final Duration PAIR_BOUND = Duration.ofSeconds(30);
    private static final Duration MEMORY_BOUND = Duration.ofSeconds(60);

    protected PolicyFileRelay policyRelay;
    protected RelayProcess relay;
    private ExchangingPair pair;
    private long baselineHeap;
    private long baselineDirect;
    private int roundsBefore;

    /** System properties for the relay (on top of what {@link RelayProcess} sets). */
    protected abstract Map<String, String> relayConfig() throws IOException;

    /** The policy document the relay starts with. */
    protected abstract String initialPolicy();

    @BeforeAll
    void startRelayAndPair() throws Exception {
        policyRelay = PolicyFileRelay.start(initialPolicy(), relayConfig(), SMALL_MEMORY);
        relay = policyRelay.relay;
        pair = ExchangingPair.start(relay.derpUrl());
        baselineHeap = heapUsed();
        baselineDirect = directUsed();
    }

    @AfterAll
    void stopRelayAndPair() throws Exception {
        try {
            if (pair != null) {
                pair.finish();
            }
        } finally {
            if (policyRelay != null) {
                policyRelay.close();
            }
        }
    }

    @BeforeEach
    void noteRounds() {
        roundsBefore = pair.rounds();
    }

    /** What must hold after every attack. */
    @AfterEach
    void relayRecovered() {
        pair.awaitMoreRounds(5, PAIR_BOUND);
        assertThat(pair.rounds()).as("rounds during the attack").isGreaterThan(roundsBefore);
        Awaitility.await("heap back near " + baselineHeap).atMost(MEMORY_BOUND)
                .until(() -> heapUsed() <= baselineHeap + HEAP_SLACK);
        Awaitility.await("direct memory back near " + baselineDirect).atMost(MEMORY_BOUND)
                .until(() -> directUsed() <= baselineDirect + DIRECT_SLACK);
        System.out.printf("%s after attack: heap %d (baseline %d), direct %d (baseline %d) bytes%n",
                getClass().getSimpleName(), heapUsed(), baselineHeap, directUsed(), baselineDirect);
        assertThat(relay.get("/q/health/live").statusCode()).isEqualTo(200);
        GoCheck.Result fresh = GoCheck.run("derpcheck", 120, "exchange", relay.derpUrl());
        assertThat(fresh.ok()).as("a fresh pair after the attack:\n%s\nrelay log:\n%s", fresh.output(),
                relay.logText()).isTrue();
    }

    /** The pair of clients exchanging for the whole run. */
    protected ExchangingPair pair() {
        return pair;
    }

    private long heapUsed() {
        return (long) sum("jvm_memory_used_bytes{area=\"heap\"");
    }

    private long directUsed() {
        return (long) relay.metric("waystation_direct_memory_used_bytes");
    }

    /** Sum of every sample whose line starts with {@code prefix} (all ids of a memory area). */
    private double sum(String prefix) {
        double total = 0;
        for (String line : relay.metrics().split("\n")) {
            if (line.startsWith(prefix)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }
}

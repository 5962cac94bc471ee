package dev.waystation.relay.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import org.awaitility.Awaitility;

import dev.waystation.testing.GoCheck;

/**
 * Two Tailscale {@code derphttp} clients exchanging packets through the relay for as long as a test
 * runs ({@code derpcheck pair}, one "ROUND n" line per round of 20 packets), so a test can show the
 * relay kept serving them while it was attacked.
 */
public final class ExchangingPair implements AutoCloseable {

    /** How long the pair may exchange at most: longer than any suite runs. */
    private static final String MAX_SECONDS = "280";
    private static final int FIRST_ROUNDS = 5;
    private static final Duration CONNECT_BOUND = Duration.ofSeconds(60);

    private final GoCheck.Running pair;

    private ExchangingPair(GoCheck.Running pair) {
        this.pair = pair;
    }

    /** Starts the pair and waits until it has exchanged a few rounds. */
    public static ExchangingPair start(String derpUrl) {
        ExchangingPair started = new ExchangingPair(GoCheck.start("derpcheck", "pair", derpUrl, MAX_SECONDS));
        Awaitility.await("the pair connects").atMost(CONNECT_BOUND)
                .until(() -> started.rounds() >= FIRST_ROUNDS || !started.pair.process().isAlive());
        assertThat(started.rounds()).as("the pair of Tailscale clients:\n%s", started.output())
                .isGreaterThanOrEqualTo(FIRST_ROUNDS);
        return started;
    }

    /** Rounds exchanged so far. */
    public int rounds() {
        int last = 0;
        for (String line : pair.output().split("\n")) {
            if (line.startsWith("ROUND ")) {
                last = Integer.parseInt(line.substring(6).trim());
            }
        }
        return last;
    }

    /** Waits until the pair has exchanged {@code more} rounds from now, failing if it stopped. */
    public void awaitMoreRounds(int more, Duration bound) {
        int now = rounds();
        Awaitility.await("the pair keeps exchanging").atMost(bound)
                .until(() -> rounds() >= now + more || !pair.process().isAlive());
        assertThat(pair.process().isAlive()).as("the pair:\n%s", output()).isTrue();
    }

    public String output() {
        return pair.output();
    }

    /** Ends the pair (closing its stdin) and asserts that it never lost a packet. */
    public void finish() {
        try {
            pair.process().getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GoCheck.Result result = pair.await(60);
        assertThat(result.ok()).as("the pair was disturbed:\n%s", result.output()).isTrue();
    }

    @Override
    public void close() {
        pair.close();
    }
}

package dev.waystation.relay.admission;

import static dev.waystation.relay.testing.PolicyDocs.document;
import static dev.waystation.relay.testing.PolicyDocs.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.GoCheck;

import dev.waystation.relay.testing.PolicyFileRelay;

/**
 * Per-client byte rate limits from {@code Client.RateLimitBytesPerSecond}, enforced by pausing the
 * limited client's reads and changed live. Never advertised in ServerInfo: Tailscale's client drops
 * its own packets above an advertised bucket, derper never advertises, and neither do we. Senders
 * and receivers are Tailscale's {@code derphttp} clients ({@code derpclient flood}, {@code burst}
 * and {@code sink}).
 */
class ClientRateLimitIT {

    private static final String REGION = "Profile(default)";
    private static final int PACKET = 8000;
    private static final long LIMIT = 64 * 1024;
    private static final long RAISED = 256 * 1024;

    /** One sink's "RECV <millis> <bytes>" lines. */
    private record Sample(long millis, long bytes) {
    }

    @Test
    void limitHoldsWithinTenPercentChangesLiveAndLeavesOthersAlone() throws Exception {
        List<String> limited = PolicyFileRelay.newKeyPair();
        List<String> limitedSink = PolicyFileRelay.newKeyPair();
        List<String> free = PolicyFileRelay.newKeyPair();
        List<String> freeSink = PolicyFileRelay.newKeyPair();
        String clientScope = REGION + "/User(" + limited.get(1) + ")";
        try (PolicyFileRelay relay = PolicyFileRelay.start(document(source("limits", "Device", "STUN.Enabled: true")),
                Map.of())) {
            String url = relay.relay.derpUrl();
            GoCheck.Running sinkA = GoCheck.start("derpclient", "sink", url, limitedSink.get(0), "40");
            GoCheck.Running sinkB = GoCheck.start("derpclient", "sink", url, freeSink.get(0), "40");
            awaitConnected(sinkA);
            awaitConnected(sinkB);
            // Unlimited when they connect (ServerInfo advertises no bucket), so only the relay can hold them back.
            GoCheck.Running floodA = GoCheck.start("derpclient", "flood", url, limited.get(0), "35", limitedSink.get(1),
                    Integer.toString(PACKET));
            GoCheck.Running floodB = GoCheck.start("derpclient", "flood", url, free.get(0), "35", freeSink.get(1),
                    Integer.toString(PACKET));
            try {
                awaitConnected(floodA);
                awaitConnected(floodB);

                relay.writePolicy(document(source("limits", "User(" + limited.get(1) + ")",
                        "Client.RateLimitBytesPerSecond: " + LIMIT)));
                relay.awaitSetting(clientScope, "Client.RateLimitBytesPerSecond", Long.toString(LIMIT));
                awaitRateNear(sinkA, LIMIT); // the starting burst and the queued backlog have drained
                double limitedRate = rateOver(sinkA, Duration.ofSeconds(5));
                double freeRate = rateOver(sinkB, Duration.ofSeconds(1));
                System.out.printf("limited %.0f B/s (limit %d), unlimited %.0f B/s%n", limitedRate, LIMIT, freeRate);
                assertThat(limitedRate).as("limited client, bytes/s").isCloseTo(LIMIT, within(LIMIT * 0.10));
                assertThat(freeRate).as("unlimited client on the same relay, bytes/s").isGreaterThan(LIMIT * 8.0);

                relay.writePolicy(document(source("limits", "User(" + limited.get(1) + ")",
                        "Client.RateLimitBytesPerSecond: " + RAISED)));
                relay.awaitSetting(clientScope, "Client.RateLimitBytesPerSecond", Long.toString(RAISED));
                awaitRateNear(sinkA, RAISED);
                double raisedRate = rateOver(sinkA, Duration.ofSeconds(5));
                System.out.printf("raised %.0f B/s (limit %d)%n", raisedRate, RAISED);
                assertThat(raisedRate).as("after raising the limit, same connection").isCloseTo(RAISED,
                        within(RAISED * 0.10));
                assertThat(floodA.output()).as("the limited sender was never disconnected")
                        .doesNotContain("ERROR").doesNotContain("DISCONNECTED");
                assertThat(relay.relay.metric("rate_limit_per_client_waited_total")).isGreaterThan(0);

                // A client that connects while limited is not told a bucket: it would drop packets itself.
                GoCheck.Result fresh = GoCheck.run("derpclient", 60, "try", url, limited.get(0), "20");
                assertThat(fresh.output()).contains("ADMITTED rate=0 burst=0");
            } finally {
                for (GoCheck.Running p : List.of(sinkA, sinkB, floodA, floodB)) {
                    p.process().destroyForcibly();
                }
            }
        }
    }

    /**
     * A real client sending full-size packets flat out under a limit at the burst floor: every
     * packet arrives, and the rate over the delivery window stays at the limit (generous margin;
     * the shape of the rate, not latency). Unlimited, the same packets would arrive in well under
     * a second.
     */
    @Test
    void aClientSendingFlatOutUnderALimitLosesNothingAndIsHeldToTheRate() throws Exception {
        int size = 64 * 1024;
        int count = 40;
        long limit = 400_000;
        long total = (long) size * count;
        List<String> sender = PolicyFileRelay.newKeyPair();
        List<String> receiver = PolicyFileRelay.newKeyPair();
        try (PolicyFileRelay relay = PolicyFileRelay.start(document(source("limits", "User(" + sender.get(1) + ")",
                "Client.RateLimitBytesPerSecond: " + limit, "Client.RateBurstBytes: 1")), Map.of())) {
            String url = relay.relay.derpUrl();
            GoCheck.Running sink = GoCheck.start("derpclient", "sink", url, receiver.get(0), "60");
            awaitConnected(sink);
            GoCheck.Running burst = GoCheck.start("derpclient", "burst", url, sender.get(0), "60", receiver.get(1),
                    Integer.toString(size), Integer.toString(count));
            try {
                awaitConnected(burst);
                Awaitility.await("every packet delivered").atMost(Duration.ofSeconds(45))
                        .until(() -> samples(sink).stream().anyMatch(s -> s.bytes() >= total) || !sink.process().isAlive());
                assertThat(burst.output()).as("the sender").contains("CONNECTED rate=0 burst=0")
                        .contains("SENT " + count).doesNotContain("ERROR");
                assertThat(last(sink).bytes()).as("bytes received, %d packets of %d", count, size).isEqualTo(total);

                List<Sample> samples = samples(sink);
                long started = samples.stream().filter(s -> s.bytes() == 0).mapToLong(Sample::millis).max()
                        .orElse(0);
                long finished = samples.stream().filter(s -> s.bytes() >= total).mapToLong(Sample::millis).min()
                        .orElseThrow();
                // The window is widened by up to two sample periods, which only lowers the measured rate.
                double rate = (total - ClientLimits.MIN_BURST) * 1000.0 / (finished - started);
                System.out.printf("flat out: %d B in %d ms after the burst: %.0f B/s (limit %d)%n", total,
                        finished - started, rate, limit);
                assertThat(rate).as("delivery rate after the burst, B/s").isLessThanOrEqualTo(limit * 1.25)
                        .isGreaterThan(limit * 0.5);
                assertThat(relay.relay.metric("rate_limit_per_client_waited_total")).isGreaterThan(0);
            } finally {
                sink.process().destroyForcibly();
                burst.process().destroyForcibly();
            }
        }
    }

    private static void awaitConnected(GoCheck.Running client) {
        Awaitility.await("client connected").atMost(Duration.ofSeconds(30))
                .until(() -> client.output().contains("CONNECTED") || !client.process().isAlive());
        assertThat(client.output()).contains("CONNECTED");
    }

    /**
     * Waits until a sink's rate over its last second of samples is within 10 % of {@code target}: what was
     * queued before a limit changed has been delivered, and the new limit holds the connection.
     */
    private static void awaitRateNear(GoCheck.Running sink, long target) {
        Awaitility.await("sink rate within 10 % of " + target + " B/s").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> recentRate(sink, Duration.ofSeconds(1)), rate -> Math.abs(rate - target) <= target * 0.10);
    }

    /** Bytes per second over the sink's samples of the last {@code window}; NaN while it has too few. */
    private static double recentRate(GoCheck.Running sink, Duration window) {
        List<Sample> samples = samples(sink);
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        Sample end = samples.get(samples.size() - 1);
        for (int i = samples.size() - 1; i >= 0; i--) {
            Sample start = samples.get(i);
            if (end.millis - start.millis >= window.toMillis()) {
                return (end.bytes - start.bytes) * 1000.0 / (end.millis - start.millis);
            }
        }
        return Double.NaN;
    }

    /** Bytes per second a sink received over the next {@code window}, from its own timestamps. */
    private static double rateOver(GoCheck.Running sink, Duration window) {
        Sample start = last(sink);
        Sample end = Awaitility.await("sink samples over " + window).atMost(window.multipliedBy(3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> last(sink), sample -> sample.millis - start.millis >= window.toMillis());
        return (end.bytes - start.bytes) * 1000.0 / (end.millis - start.millis);
    }

    private static Sample last(GoCheck.Running sink) {
        List<Sample> samples = samples(sink);
        assertThat(samples).as("sink output:\n%s", sink.output()).isNotEmpty();
        return samples.get(samples.size() - 1);
    }

    private static List<Sample> samples(GoCheck.Running sink) {
        List<Sample> samples = new ArrayList<>();
        for (String line : sink.output().split("\n")) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 3 && parts[0].equals("RECV")) {
                samples.add(new Sample(Long.parseLong(parts[1]), Long.parseLong(parts[2])));
            }
        }
        return samples;
    }
}

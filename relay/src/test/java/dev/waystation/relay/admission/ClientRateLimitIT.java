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
 * limited client's reads, changed live, and advertised in ServerInfo. Senders and receivers are
 * Tailscale's {@code derphttp} clients ({@code derpclient flood} and {@code sink}).
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
                Thread.sleep(2500); // let the starting burst and the queued backlog drain
                double limitedRate = rateOver(sinkA, Duration.ofSeconds(5));
                double freeRate = rateOver(sinkB, Duration.ofSeconds(1));
                System.out.printf("limited %.0f B/s (limit %d), unlimited %.0f B/s%n", limitedRate, LIMIT, freeRate);
                assertThat(limitedRate).as("limited client, bytes/s").isCloseTo(LIMIT, within(LIMIT * 0.10));
                assertThat(freeRate).as("unlimited client on the same relay, bytes/s").isGreaterThan(LIMIT * 8.0);

                relay.writePolicy(document(source("limits", "User(" + limited.get(1) + ")",
                        "Client.RateLimitBytesPerSecond: " + RAISED)));
                relay.awaitSetting(clientScope, "Client.RateLimitBytesPerSecond", Long.toString(RAISED));
                Thread.sleep(2500);
                double raisedRate = rateOver(sinkA, Duration.ofSeconds(5));
                System.out.printf("raised %.0f B/s (limit %d)%n", raisedRate, RAISED);
                assertThat(raisedRate).as("after raising the limit, same connection").isCloseTo(RAISED,
                        within(RAISED * 0.10));
                assertThat(floodA.output()).as("the limited sender was never disconnected")
                        .doesNotContain("ERROR").doesNotContain("DISCONNECTED");
                assertThat(relay.relay.metric("rate_limit_per_client_waited_total")).isGreaterThan(0);

                // A client that connects while limited is told its bucket in ServerInfo.
                GoCheck.Result fresh = GoCheck.run("derpclient", 60, "try", url, limited.get(0), "20");
                assertThat(fresh.output()).contains("ADMITTED rate=" + RAISED + " burst=" + RAISED);
            } finally {
                for (GoCheck.Running p : List.of(sinkA, sinkB, floodA, floodB)) {
                    p.process().destroyForcibly();
                }
            }
        }
    }

    private static void awaitConnected(GoCheck.Running client) {
        Awaitility.await("client connected").atMost(Duration.ofSeconds(30))
                .until(() -> client.output().contains("CONNECTED") || !client.process().isAlive());
        assertThat(client.output()).contains("CONNECTED");
    }

    /** Bytes per second a sink received over the next {@code window}, from its own timestamps. */
    private static double rateOver(GoCheck.Running sink, Duration window) throws InterruptedException {
        Sample start = last(sink);
        Thread.sleep(window.toMillis());
        Sample end = last(sink);
        return (end.bytes - start.bytes) * 1000.0 / (end.millis - start.millis);
    }

    private static Sample last(GoCheck.Running sink) {
        List<Sample> samples = new ArrayList<>();
        for (String line : sink.output().split("\n")) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 3 && parts[0].equals("RECV")) {
                samples.add(new Sample(Long.parseLong(parts[1]), Long.parseLong(parts[2])));
            }
        }
        assertThat(samples).as("sink output:\n%s", sink.output()).isNotEmpty();
        return samples.get(samples.size() - 1);
    }
}

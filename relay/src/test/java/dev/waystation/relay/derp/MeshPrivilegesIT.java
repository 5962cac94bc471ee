package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.GoCheck;
import dev.waystation.testing.RelayProcess;

/**
 * Mesh-key clients (Tailscale's derphttp with {@code MeshKey} and {@code WatchConnectionChanges})
 * watch connections and close peers; a client without the key that tries the same is disconnected.
 */
class MeshPrivilegesIT {

    @Test
    void meshKeyClientWatchesAndClosesPeersOthersMayNot() {
        byte[] raw = new byte[32];
        ThreadLocalRandom.current().nextBytes(raw);
        String meshKey = HexFormat.of().formatHex(raw);
        try (RelayProcess relay = RelayProcess.start(Map.of("waystation.relay.mesh-key", meshKey))) {
            GoCheck.Result result = GoCheck.run("derpcheck", 120, "mesh", relay.derpUrl(), meshKey);
            assertThat(result.ok()).as("derpcheck mesh:\n%s\nrelay log:\n%s", result.output(), relay.logText())
                    .isTrue();
            assertThat(relay.metric("derp_protocol_errors_total{reason=\"not_mesh_peer\"}")).isEqualTo(1);
            // derper's mesh update histograms: the watcher got PeerPresent and PeerGone in batches.
            assertThat(relay.metric("derp_mesh_update_batch_size_count")).isPositive();
            double batches = relay.metric("derp_mesh_update_batch_size_count");
            assertThat(bucket(relay, "derp_mesh_update_batch_size", "1000")).isEqualTo(batches);
            assertThat(bucket(relay, "derp_mesh_update_loop_count", "1")).isEqualTo(batches);
            // The watcher's connection closes as derpcheck exits; the relay notices a moment later.
            Awaitility.await("watchers gone").atMost(Duration.ofSeconds(10))
                    .until(() -> relay.metric("derp_watchers") == 0);
        }
    }

    /** A cumulative histogram bucket, whichever way the exporter spells the bound ("1" or "1.0"). */
    private static double bucket(RelayProcess relay, String name, String le) {
        Pattern sample = Pattern.compile(Pattern.quote(name + "_bucket{le=\"" + le) + "(\\.0)?\",?} (\\S+)");
        for (String line : relay.metrics().split("\n")) {
            Matcher matcher = sample.matcher(line);
            if (matcher.matches()) {
                return Double.parseDouble(matcher.group(2));
            }
        }
        throw new AssertionError("no bucket le=" + le + " of " + name);
    }
}

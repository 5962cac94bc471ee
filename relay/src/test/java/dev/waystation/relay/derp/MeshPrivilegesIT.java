package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

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
            // The watcher's connection closes as derpcheck exits; the relay notices a moment later.
            Awaitility.await("watchers gone").atMost(Duration.ofSeconds(10))
                    .until(() -> relay.metric("derp_watchers") == 0);
        }
    }
}

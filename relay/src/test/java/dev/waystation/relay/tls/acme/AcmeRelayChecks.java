package dev.waystation.relay.tls.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.waystation.testing.GoCheck;
import dev.waystation.testing.PebbleCa;
import dev.waystation.testing.RelayProcess;

/** What the Pebble ITs check of a relay in ACME mode: ready with a certificate, trusted by derphttp. */
final class AcmeRelayChecks {

    /** Covers Pebble's validation and a relay start on a busy machine. */
    static final Duration ISSUE_TIMEOUT = Duration.ofSeconds(90);
    static final long GO_TIMEOUT_SECONDS = 180;

    private AcmeRelayChecks() {
    }

    static void awaitReady(RelayProcess relay) {
        await("relay ready with an ACME certificate").atMost(ISSUE_TIMEOUT).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    assertThat(relay.process().isAlive()).as(relay.logText()).isTrue();
                    assertThat(relay.get("/q/health/ready").statusCode()).as(relay.logText()).isEqualTo(200);
                });
    }

    /** Tailscale's derphttp, trusting only Pebble's issuing root, exchanges packets through {@code relay}. */
    static void assertDerphttpExchangesTrustingPebble(RelayProcess relay, PebbleCa pebble, String hostname, Path dir)
            throws Exception {
        Path root = pebble.writeIssuingRoot(dir.resolve("pebble-root.pem"));
        GoCheck.Result result = GoCheck.run("derpcheck", Map.of("SSL_CERT_FILE", root.toString()), GO_TIMEOUT_SECONDS,
                "exchange", "https://" + hostname + ":" + relay.derpPort() + "/derp");
        assertThat(result.ok()).as("%s\nrelay log:\n%s", result.output(), relay.logText()).isTrue();
    }
}

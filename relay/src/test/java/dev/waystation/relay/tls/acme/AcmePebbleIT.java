package dev.waystation.relay.tls.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.waystation.testing.GoCheck;
import dev.waystation.testing.GoHarness;
import dev.waystation.testing.PebbleCa;
import dev.waystation.testing.RelayProcess;

/**
 * The relay in ACME mode against Let's Encrypt's Pebble CA (real ACME server, real validation of
 * both challenge types on the relay's own listeners), proven with Tailscale's derphttp client
 * trusting only Pebble's issuing root.
 */
class AcmePebbleIT {

    private static final String HOSTNAME = "localhost";
    private static final long LONG_VALIDITY_SECONDS = 7 * 24 * 3600;
    private static final long SHORT_VALIDITY_SECONDS = 30;
    private static final Pattern PIN = Pattern.compile("\"pin\"\\s*:\\s*\"([^\"]+)\"");

    @TempDir
    Path dir;
    private PebbleCa pebble;
    private RelayProcess relay;
    private int derpPort;
    private int httpPort;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        if (pebble != null) {
            pebble.close();
        }
    }

    /** Pebble validating on the relay's future ports (fixed now: Pebble needs them in its configuration). */
    private void startPebble(long validitySeconds, Map<String, String> environment) throws Exception {
        derpPort = PebbleCa.freePort();
        httpPort = PebbleCa.freePort();
        pebble = PebbleCa.onLoopback(dir, httpPort, derpPort, validitySeconds, environment);
    }

    private static String pin(String readiness) {
        Matcher pin = PIN.matcher(readiness);
        assertThat(pin.find()).as(readiness).isTrue();
        return pin.group(1);
    }

    private Map<String, String> acmeRelay(int derpPort, int httpPort, String challengeTypes, Path storage) {
        Map<String, String> config = pebble.relayConfig(HOSTNAME, derpPort, httpPort, challengeTypes);
        config.put("waystation.relay.key-file", dir.resolve("derper.key").toString());
        config.put("waystation.relay.tls.acme.storage-dir", storage.toString());
        return config;
    }

    private void awaitReady() {
        AcmeRelayChecks.awaitReady(relay);
    }

    private void assertDerphttpExchangesTrustingPebble() throws Exception {
        AcmeRelayChecks.assertDerphttpExchangesTrustingPebble(relay, pebble, HOSTNAME, dir);
    }

    private static long rounds(GoCheck.Running pair) {
        return pair.output().lines().filter(line -> line.startsWith("ROUND ")).count();
    }

    @Test
    void http01CertificateServesDerphttpAndARestartReusesItWithoutANewOrder() throws Exception {
        startPebble(LONG_VALIDITY_SECONDS, Map.of());
        Path storage = dir.resolve("acme-state");
        relay = RelayProcess.startListening(acmeRelay(derpPort, httpPort, "http-01", storage));
        awaitReady();
        assertDerphttpExchangesTrustingPebble();
        assertThat(relay.metric("waystation_acme_orders_total{outcome=\"issued\"}")).isEqualTo(1);
        assertThat(pebble.ordersCreated()).isEqualTo(1);
        assertThat(relay.logText()).contains("via http-01");
        assertThat(Files.exists(storage.resolve(AcmeStore.CERTIFICATE))).isTrue();

        relay.close();
        relay = RelayProcess.startListening(acmeRelay(derpPort, httpPort, "http-01", storage));
        awaitReady();
        assertDerphttpExchangesTrustingPebble();
        assertThat(relay.metric("waystation_acme_stored_certificates_total")).as(relay.metrics()).isEqualTo(1);
        assertThat(relay.metric("waystation_acme_orders_total{outcome=\"issued\"}")).isZero();
        assertThat(pebble.ordersCreated()).as("orders Pebble saw across the restart").isEqualTo(1);
    }

    /**
     * TLS-ALPN-01 alone, no plain helper at all (only the DERP TLS port can answer), on each TLS engine;
     * afterwards Tailscale's DERP client (no ALPN) and Go's HTTPS client (h2 and http/1.1 offered) use
     * the same listener.
     */
    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void tlsAlpn01CertificateServesDerphttpAndHttpsClientsOnTheSameListener(String engine) throws Exception {
        startPebble(LONG_VALIDITY_SECONDS, Map.of());
        Map<String, String> config = acmeRelay(derpPort, -1, "tls-alpn-01", dir.resolve("acme-state"));
        config.put("waystation.relay.tls.engine", engine);
        relay = RelayProcess.startListening(config);
        awaitReady();
        // Logged once the order completes, which may be just after the certificate went live.
        await("issue logged").atMost(AcmeRelayChecks.ISSUE_TIMEOUT).until(() -> relay.logText().contains("via tls-alpn-01"));
        assertThat(relay.metric("waystation_tls_engine_info{engine=\"" + engine + "\"}")).as(relay.metrics())
                .isEqualTo(1);
        assertDerphttpExchangesTrustingPebble();
        Path root = pebble.writeIssuingRoot(dir.resolve("pebble-root.pem"));
        GoCheck.Result https = GoCheck.run("derpcheck", Map.of("SSL_CERT_FILE", root.toString()), AcmeRelayChecks.GO_TIMEOUT_SECONDS,
                "https", "https://" + HOSTNAME + ":" + relay.derpPort() + "/generate_204");
        assertThat(https.ok()).as("%s\nrelay log:\n%s", https.output(), relay.logText()).isTrue();
        assertThat(https.output()).contains("ALPN \"http/1.1\" STATUS 204");
        assertThat(relay.metric("waystation_acme_orders_total{outcome=\"issued\"}")).isEqualTo(1);
    }

    @Test
    void aShortLivedCertificateIsRenewedAndSwappedWhileAClientStaysConnected() throws Exception {
        startPebble(SHORT_VALIDITY_SECONDS, Map.of());
        relay = RelayProcess.startListening(acmeRelay(derpPort, httpPort, "http-01", dir.resolve("acme-state")));
        awaitReady();
        String firstPin = pin(relay.get("/q/health/ready").body());
        Path root = pebble.writeIssuingRoot(dir.resolve("pebble-root.pem"));
        try (GoCheck.Running pair = GoCheck.start(GoHarness.command("derpcheck"),
                Map.of("SSL_CERT_FILE", root.toString()), "pair", "https://" + HOSTNAME + ":" + derpPort + "/derp",
                "150")) {
            await("a pair exchanging").atMost(Duration.ofSeconds(60)).until(() -> rounds(pair) >= 1);
            // Renewal is due 20 s into the 30 s lifetime.
            await("renewed certificate").atMost(AcmeRelayChecks.ISSUE_TIMEOUT).pollInterval(Duration.ofMillis(500))
                    .until(() -> relay.metric("waystation_acme_orders_total{outcome=\"issued\"}") >= 2);
            long roundsAtRenewal = rounds(pair);
            await("the pair keeps exchanging after the swap").atMost(Duration.ofSeconds(30))
                    .until(() -> rounds(pair) > roundsAtRenewal + 2);
            pair.process().getOutputStream().close(); // stdin closed: the pair ends, OK if nothing failed
            GoCheck.Result result = pair.await(30);
            assertThat(result.ok()).as(result.output()).isTrue();
        }
        assertThat(relay.metric("derp_accepts_total")).as("no reconnect of the connected pair").isEqualTo(2);
        assertThat(pin(relay.get("/q/health/ready").body())).isNotEqualTo(firstPin);
        assertDerphttpExchangesTrustingPebble();
    }

    @Test
    void aCaRejectingEveryNonceEndsInRetriesWithBackoffAndAReadableStatusNeverACrash() throws Exception {
        startPebble(LONG_VALIDITY_SECONDS, Map.of("PEBBLE_WFE_NONCEREJECT", "100"));
        relay = RelayProcess.startListening(acmeRelay(derpPort, httpPort, "http-01", dir.resolve("acme-state")));
        await("three failed orders").atMost(AcmeRelayChecks.ISSUE_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> relay.metric("waystation_acme_orders_total{outcome=\"failed\"}") >= 3);
        assertThat(relay.process().isAlive()).isTrue();
        var readiness = relay.get("/q/health/ready");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).contains("ACME order for localhost", "failed", "next attempt in",
                "urn:ietf:params:acme:error:badNonce");
        assertThat(relay.metric("waystation_acme_consecutive_failures")).isGreaterThanOrEqualTo(3);
        assertThat(relay.logText()).contains("failed (1 in a row)", "failed (2 in a row)");
    }
}

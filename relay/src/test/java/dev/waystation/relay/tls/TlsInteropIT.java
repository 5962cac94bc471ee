package dev.waystation.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import dev.waystation.relay.metrics.Promtool;
import dev.waystation.testing.GoCheck;
import dev.waystation.testing.RelayProcess;
import dev.waystation.testing.GoHarness;

/**
 * The relay in production mode with TLS from PEM files issued by a private CA (generated here),
 * driven by Tailscale's own clients: derphttp over TLS and over WebSocket (wss), derpprobe against
 * a DERP map pointing at the relay, derper's HTTP endpoints over TLS, and a certificate replaced on
 * disk that new connections see without a restart. Go programs trust the CA through
 * {@code SSL_CERT_FILE}, the standard way to add roots to Go's system pool.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsInteropIT {

    private static final String HOSTNAME = "localhost";
    private static final long GO_TIMEOUT_SECONDS = 180;

    private Path dir;
    private TestPki pki;
    private Path caFile;
    private Path certFile;
    private Path keyFile;
    private RelayProcess relay;
    private int stunPort;

    @BeforeAll
    void startRelay() throws Exception {
        dir = Files.createTempDirectory("waystation-tls-it");
        pki = new TestPki("Waystation test CA");
        caFile = dir.resolve("ca.pem");
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(caFile))) {
            writer.writeObject(pki.caCertificate());
        }
        certFile = dir.resolve("tls.crt");
        keyFile = dir.resolve("tls.key");
        PemFiles.write(pki.issue(HOSTNAME, HOSTNAME), certFile, keyFile);
        Map<String, String> config = ProductionRelayConfig.of(dir, HOSTNAME, 0);
        try (DatagramSocket free = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            stunPort = free.getLocalPort();
        }
        config.put("waystation.stun.port", Integer.toString(stunPort));
        config.put("waystation.stun.bind-addresses", "127.0.0.1");
        relay = RelayProcess.start(config);
    }

    @AfterAll
    void stopRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    private String httpsUrl(String path) {
        return "https://" + HOSTNAME + ":" + relay.derpPort() + path;
    }

    private Map<String, String> trustingCa() {
        return Map.of("SSL_CERT_FILE", caFile.toString());
    }

    private void assertOk(GoCheck.Result result) {
        assertThat(result.ok()).as("%s\nrelay log:\n%s", result.output(), relay.logText()).isTrue();
    }

    @Test
    @Order(1)
    void twoDerphttpClientsExchangePacketsOverTlsWithAPrivateCa() {
        assertOk(GoCheck.run("derpcheck", trustingCa(), GO_TIMEOUT_SECONDS, "exchange", httpsUrl("/derp")));
        assertThat(relay.logText()).containsPattern("DERP TLS runs on the (OpenSSL|JDK) engine");
    }

    @Test
    @Order(2)
    void twoDerphttpClientsExchangePacketsOverWebSocketSecure() {
        // derphttp dials WebSocket only when built with ts_debug_websockets and told to by this variable.
        Path derpcheck = GoHarness.build("derpcheck-websocket", "./cmd/derpcheck", "-tags", "ts_debug_websockets");
        Map<String, String> env = new LinkedHashMap<>(trustingCa());
        env.put("TS_DEBUG_DERP_WS_CLIENT", "1");
        GoCheck.Result result = GoCheck.run(derpcheck, env, GO_TIMEOUT_SECONDS, "exchange", httpsUrl("/derp"));
        assertOk(result);
        assertThat(result.output()).contains("websocket: connected to");
        assertThat(relay.metric("derp_websocket_accepts_total")).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(3)
    void derpprobeReportsEveryApplicableProbeGood() throws Exception {
        // TLS and mesh (single-node delivery) probes; STUNPort -1 leaves the UDP probe to the next test,
        // whose map can omit IPv6 ("none" here keeps the TLS dial on IPv4).
        Path map = dir.resolve("derpmap.json");
        Files.writeString(map, """
                {"Regions": {"900": {"RegionID": 900, "RegionCode": "ws", "RegionName": "Waystation IT",
                  "Nodes": [{"Name": "900a", "RegionID": 900, "HostName": "%s", "IPv4": "127.0.0.1", "IPv6": "none",
                             "DERPPort": %d, "STUNPort": -1}]}}}
                """.formatted(HOSTNAME, relay.derpPort()));
        Path derpprobe = GoHarness.build("derpprobe", "tailscale.com/cmd/derpprobe");
        GoCheck.Result result = GoCheck.run(derpprobe, trustingCa(), GO_TIMEOUT_SECONDS, "-derp-map",
                "file://" + map.toAbsolutePath(), "-once", "-spread=false", "-tls-interval", "15s", "-mesh-interval",
                "15s", "-stun-interval", "15s");
        assertOk(result);
        assertThat(result.output()).contains("good: derpmap-probe", "good: derp/ws/900a/tls",
                "good: derp/ws/900a/900a/mesh").doesNotContain("bad: ");
    }

    @Test
    @Order(3)
    void derpprobeStunProbeIsGood() throws Exception {
        // A map of its own: the UDP probe sends to each node IP given, and "none" is not an address.
        Path map = dir.resolve("derpmap-stun.json");
        Files.writeString(map, """
                {"Regions": {"900": {"RegionID": 900, "RegionCode": "ws", "RegionName": "Waystation IT",
                  "Nodes": [{"Name": "900a", "RegionID": 900, "HostName": "%s", "IPv4": "127.0.0.1",
                             "DERPPort": %d, "STUNPort": %d}]}}}
                """.formatted(HOSTNAME, relay.derpPort(), stunPort));
        Path derpprobe = GoHarness.build("derpprobe", "tailscale.com/cmd/derpprobe");
        GoCheck.Result result = GoCheck.run(derpprobe, trustingCa(), GO_TIMEOUT_SECONDS, "-derp-map",
                "file://" + map.toAbsolutePath(), "-once", "-spread=false", "-tls-interval", "0", "-mesh-interval",
                "0", "-stun-interval", "15s");
        assertOk(result);
        assertThat(result.output()).contains("good: derp/ws/900a/udp").doesNotContain("bad: ");
    }

    @Test
    @Order(4)
    void derperEndpointsAnswerOverTls() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trustingCaContext()).build();
        HttpResponse<String> challenge = client.send(HttpRequest.newBuilder(URI.create(httpsUrl("/generate_204")))
                .header("X-Tailscale-Challenge", "ts_" + HOSTNAME).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(challenge.statusCode()).isEqualTo(204);
        assertThat(challenge.headers().firstValue("X-Tailscale-Response")).contains("response ts_" + HOSTNAME);

        HttpResponse<String> probe = client.send(HttpRequest.newBuilder(URI.create(httpsUrl("/derp/latency-check")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(probe.statusCode()).isEqualTo(200);
        assertThat(probe.headers().firstValue("Access-Control-Allow-Origin")).contains("*");

        HttpResponse<String> home = client.send(HttpRequest.newBuilder(URI.create(httpsUrl("/no/such/page"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("DERP");
    }

    @Test
    @Order(5)
    void thePlainPortAnswersCaptivePortalChecksAndRedirectsTheRest() throws Exception {
        int httpPort = relay.httpPort();
        assertThat(httpPort).isPositive();
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> challenge = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/generate_204")).header("X-Tailscale-Challenge", "ts_127.0.0.1")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(challenge.statusCode()).isEqualTo(204);
        assertThat(challenge.headers().firstValue("X-Tailscale-Response")).contains("response ts_127.0.0.1");

        HttpResponse<String> redirect = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/derp?x=1")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).contains("https://127.0.0.1:" + httpPort + "/derp?x=1");
    }

    @Test
    @Order(6)
    void prometheusAcceptsTheMetricsIncludingTlsOnes() {
        String metrics = relay.metrics();
        assertThat(metrics).contains("waystation_tls_engine_info", "waystation_tls_certificate_expiry_timestamp_seconds");
        Promtool.Verdict verdict = Promtool.checkMetrics(metrics);
        assertThat(verdict.exitCode()).as(verdict.output()).isZero();
    }

    @Test
    @Order(10)
    void aReplacedCertificateReachesNewConnectionsWithoutARestart() throws Exception {
        long pid = relay.process().pid();
        CertifiedKey second = pki.issue(HOSTNAME, HOSTNAME);
        PemFiles.write(second, certFile, keyFile);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(TlsHandshakes.handshake(relay.derpPort(), HOSTNAME).chain().get(0)).isEqualTo(second.leaf()));
        assertThat(relay.process().pid()).isEqualTo(pid);
        assertThat(relay.process().isAlive()).isTrue();
        assertOk(GoCheck.run("derpcheck", trustingCa(), GO_TIMEOUT_SECONDS, "exchange", httpsUrl("/derp")));
        assertThat(relay.metric("waystation_tls_certificate_reloads_total{result=\"success\"}")).isEqualTo(1);
    }

    private SSLContext trustingCaContext() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.caCertificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}

package dev.waystation.operator.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.waystation.crd.v1alpha1.DerpMapNode;
import dev.waystation.operator.e2e.TestCertificates;
import dev.waystation.testing.ProcessRun;

/**
 * The TLS probe's trust rules against a real TLS listener on loopback (certificate from the real
 * openssl): a {@code sha256-raw:} pin accepts exactly that leaf, a name needs a trusted CA and a
 * certificate carrying the name, and a certificate within the minimum lifetime fails.
 */
class NodeProbesTlsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static TestCertificates certificates;
    private static SSLServerSocket server;
    private static Thread acceptor;
    private static String pin;

    @BeforeAll
    static void tlsListener() throws Exception {
        certificates = TestCertificates.issue(List.of("derp.probe.test"), 30);
        Path p12 = certificates.key().resolveSibling("tls.p12");
        ProcessRun.run(List.of("openssl", "pkcs12", "-export", "-in", certificates.certificate().toString(), "-inkey",
                certificates.key().toString(), "-out", p12.toString(), "-passout", "pass:test"), "openssl pkcs12",
                Duration.ofSeconds(60)).assertSuccess();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, "test".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "test".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.startHandshake();
                } catch (Exception e) {
                    // a refused handshake is what some tests want
                }
            }
        }, "tls-test-listener");
        acceptor.setDaemon(true);
        acceptor.start();
        try (InputStream in = Files.newInputStream(certificates.certificate())) {
            pin = NodeTrust.PIN_PREFIX + NodeTrust.sha256Hex(
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }

    @AfterAll
    static void close() throws Exception {
        server.close();
    }

    private static ProbeTarget node(String hostName, String certName) {
        DerpMapNode node = new DerpMapNode();
        node.setName("900a");
        node.setHostName(hostName);
        node.setCertName(certName);
        node.setIpv4("127.0.0.1");
        node.setDerpPort(server.getLocalPort());
        return new ProbeTarget("edge", "fra", 900, "fra", node);
    }

    private static ProbeOutcome tls(Optional<Path> caFile, ProbeTarget target, Duration minLifetime) {
        return new NodeProbes(new NodeDialer(new NodeTrust(caFile)), TIMEOUT, minLifetime)
                .run(ProbeKind.TLS, target, List.of(target));
    }

    @Test
    void theRightPinPassesWithoutAnyCa() {
        ProbeOutcome outcome = tls(Optional.empty(), node("derp.probe.test", pin), Duration.ofDays(7));
        assertThat(outcome.passed()).as("%s", outcome.error()).isTrue();
        assertThat(outcome.certificateNotAfter()).isPresent();
    }

    @Test
    void anotherPinFails() {
        ProbeOutcome outcome = tls(Optional.empty(), node("derp.probe.test", NodeTrust.PIN_PREFIX + "00".repeat(32)),
                Duration.ofDays(7));
        assertThat(outcome.passed()).isFalse();
    }

    @Test
    void aNameNeedsTheCaAndTheNameOnTheCertificate() {
        assertThat(tls(Optional.of(certificates.caCertificate()), node("derp.probe.test", null), Duration.ofDays(7))
                .passed()).isTrue();
        assertThat(tls(Optional.empty(), node("derp.probe.test", null), Duration.ofDays(7)).passed())
                .as("CA not trusted").isFalse();
        assertThat(tls(Optional.of(certificates.caCertificate()), node("other.probe.test", null), Duration.ofDays(7))
                .passed()).as("name not on the certificate").isFalse();
    }

    @Test
    void aCertificateExpiringWithinTheMinimumLifetimeFails() {
        ProbeOutcome outcome = tls(Optional.of(certificates.caCertificate()), node("derp.probe.test", null),
                Duration.ofDays(60));
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.error()).hasValueSatisfying(e -> assertThat(e).contains("expires"));
        assertThat(outcome.certificateNotAfter()).isPresent();
    }
}

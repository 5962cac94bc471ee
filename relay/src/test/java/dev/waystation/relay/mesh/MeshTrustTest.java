package dev.waystation.relay.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.waystation.relay.tls.CertifiedKey;
import dev.waystation.relay.tls.PemFiles;
import dev.waystation.relay.tls.TestPki;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The mesh's trust follows its CA file: pinned certificates in, out, a broken file, a file that appears late. */
class MeshTrustTest {

    private static final String AUTH_TYPE = "ECDHE_ECDSA";
    /** Long enough that only the file watch, never the poll, can pick a change up within a test's wait. */
    private static final Duration NO_POLLING = Duration.ofMinutes(10);
    private static final Duration SWAP_SEEN_WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeshMetrics metrics = new MeshMetrics(registry);
    private MeshTrust trust;

    @AfterEach
    void close() {
        if (trust != null) {
            trust.close();
        }
    }

    @Test
    void aSymlinkSwappedVolumeChangesWhichPeersAreTrusted() throws Exception {
        CertifiedKey a = TestPki.selfSigned("node-a.mesh.test");
        CertifiedKey c = TestPki.selfSigned("node-c.mesh.test");
        SecretVolume volume = new SecretVolume(dir.resolve("node-tls"));
        volume.update(Map.of("mesh-ca.crt", pem(a)));
        trust = new MeshTrust(Optional.of(volume.path("mesh-ca.crt")), metrics);
        trust.start(NO_POLLING);
        assertTrusted(a);
        assertRefused(c);

        volume.update(Map.of("mesh-ca.crt", pem(a) + pem(c)));
        Awaitility.await("C trusted after the swap").atMost(SWAP_SEEN_WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> trusts(c));
        assertThat(reloads("success")).isEqualTo(2);

        volume.update(Map.of("mesh-ca.crt", pem(c)));
        Awaitility.await("A refused after the swap").atMost(SWAP_SEEN_WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> !trusts(a));
        assertTrusted(c);
        assertThat(registry.get("waystation.mesh.trust.certificates").gauge().value()).isEqualTo(1);
    }

    @Test
    void aBrokenFileKeepsTheLastGoodTrust() throws Exception {
        CertifiedKey a = TestPki.selfSigned("node-a.mesh.test");
        Path file = dir.resolve("mesh-ca.crt");
        Files.writeString(file, pem(a));
        trust = new MeshTrust(Optional.of(file), metrics);
        trust.start(NO_POLLING);

        Files.writeString(file, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
        trust.check();
        assertThat(reloads("failure")).isEqualTo(1);
        assertTrusted(a);
        Files.writeString(file, "no PEM at all\n");
        trust.check();
        assertThat(reloads("failure")).isEqualTo(2);
        assertTrusted(a);
    }

    @Test
    void aFileThatIsBrokenFromTheStartRefusesEveryPeer() throws Exception {
        Path file = dir.resolve("mesh-ca.crt");
        Files.writeString(file, "not a certificate\n");
        trust = new MeshTrust(Optional.of(file), metrics);
        trust.start(NO_POLLING);
        CertifiedKey a = TestPki.selfSigned("node-a.mesh.test");
        assertThatThrownBy(() -> trust.checkServerTrusted(chain(a), AUTH_TYPE))
                .isInstanceOf(CertificateException.class).hasMessageContaining("no usable certificate");

        Files.writeString(file, pem(a));
        trust.check();
        assertTrusted(a);
    }

    @Test
    void aMissingFileMeansTheJvmTrustStoreUntilItAppears() throws Exception {
        CertifiedKey a = TestPki.selfSigned("node-a.mesh.test");
        Path file = dir.resolve("mesh-ca.crt");
        trust = new MeshTrust(Optional.of(file), metrics);
        trust.start(NO_POLLING);
        assertRefused(a); // a self-signed certificate is in no JVM trust store
        assertThat(trust.getAcceptedIssuers()).isNotEmpty();

        Files.writeString(file, pem(a));
        Awaitility.await("the file that appeared is watched").atMost(SWAP_SEEN_WITHIN)
                .pollInterval(Duration.ofMillis(50)).until(() -> trusts(a));
    }

    private static String pem(CertifiedKey key) throws Exception {
        return PemFiles.encodeChain(key.chain());
    }

    private static X509Certificate[] chain(CertifiedKey key) {
        return key.chain().toArray(X509Certificate[]::new);
    }

    private boolean trusts(CertifiedKey key) {
        try {
            trust.checkServerTrusted(chain(key), AUTH_TYPE);
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }

    private void assertTrusted(CertifiedKey key) {
        assertThatCode(() -> trust.checkServerTrusted(chain(key), AUTH_TYPE)).doesNotThrowAnyException();
    }

    private void assertRefused(CertifiedKey key) {
        assertThatThrownBy(() -> trust.checkServerTrusted(chain(key), AUTH_TYPE))
                .isInstanceOf(CertificateException.class);
    }

    private double reloads(String result) {
        return registry.get("waystation.mesh.trust.reloads").tag("result", result).counter().count();
    }
}

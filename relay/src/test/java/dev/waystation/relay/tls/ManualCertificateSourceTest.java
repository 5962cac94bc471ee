package dev.waystation.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Loading, reloading and refusing manual certificates, as files change underneath the relay. */
class ManualCertificateSourceTest {

    /** Long enough that only file events (never the fallback poll) can explain a reload within the wait. */
    private static final Duration NO_POLL = Duration.ofHours(1);

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TlsMetrics metrics = new TlsMetrics(registry, TlsEngine.JDK);
    private final List<CertifiedKey> installed = new ArrayList<>();
    private ManualCertificateSource source;

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
    }

    private ManualCertificateSource start(Path cert, Path key, String hostname, Duration poll) {
        source = new ManualCertificateSource(cert, key, hostname, poll, Clock.systemUTC(), metrics);
        source.start(certified -> {
            synchronized (installed) {
                installed.add(certified);
            }
        });
        return source;
    }

    private CertifiedKey last() {
        synchronized (installed) {
            return installed.isEmpty() ? null : installed.get(installed.size() - 1);
        }
    }

    private double reloads(String result) {
        return registry.get("waystation.tls.certificate.reloads").tag("result", result).counter().count();
    }

    private Path cert() {
        return dir.resolve("relay.test.crt");
    }

    private Path key() {
        return dir.resolve("relay.test.key");
    }

    /** Writes a fresh pair for relay.test into the temporary directory and starts the source on it. */
    private CertifiedKey startWith(TestPki pki) throws Exception {
        CertifiedKey first = pki.issue("relay.test", "relay.test");
        PemFiles.write(first, cert(), key());
        start(cert(), key(), "relay.test", NO_POLL);
        assertThat(last().leaf()).isEqualTo(first.leaf());
        return first;
    }

    @Test
    void loadsAPairAndReloadsWhenTheFilesAreReplaced() throws Exception {
        TestPki pki = new TestPki("ca");
        startWith(pki);
        assertThat(source.problem()).isEmpty();

        CertifiedKey second = pki.issue("relay.test", "relay.test");
        PemFiles.write(second, cert(), key());
        await().atMost(Duration.ofSeconds(60)).until(() -> last().leaf().equals(second.leaf()));
        assertThat(reloads("success")).isEqualTo(1);
    }

    @Test
    void followsAKubernetesSecretVolumeSymlinkSwap() throws Exception {
        // The kubelet's layout: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>; an update writes a new
        // timestamped directory and renames a fresh ..data symlink over the old one.
        TestPki pki = new TestPki("ca");
        CertifiedKey first = pki.issue("relay.test", "relay.test");
        Path v1 = Files.createDirectory(dir.resolve("..2026_11_27_v1"));
        PemFiles.write(first, v1.resolve("tls.crt"), v1.resolve("tls.key"));
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(dir.resolve("tls.crt"), Path.of("..data/tls.crt"));
        Files.createSymbolicLink(dir.resolve("tls.key"), Path.of("..data/tls.key"));
        start(dir.resolve("tls.crt"), dir.resolve("tls.key"), "relay.test", NO_POLL);
        assertThat(last().leaf()).isEqualTo(first.leaf());

        CertifiedKey second = pki.issue("relay.test", "relay.test");
        Path v2 = Files.createDirectory(dir.resolve("..2026_11_27_v2"));
        PemFiles.write(second, v2.resolve("tls.crt"), v2.resolve("tls.key"));
        Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        await().atMost(Duration.ofSeconds(60)).until(() -> last().leaf().equals(second.leaf()));
    }

    @Test
    void keepsTheLoadedCertificateWhenTheNewKeyDoesNotMatch() throws Exception {
        TestPki pki = new TestPki("ca");
        CertifiedKey first = startWith(pki);

        // Half an update: a new certificate next to the old key.
        CertifiedKey second = pki.issue("relay.test", "relay.test");
        PemFiles.write(new CertifiedKey(second.chain(), first.key()), cert(), dir.resolve("unused.pem"));
        source.check();

        assertThat(last().leaf()).isEqualTo(first.leaf());
        assertThat(installed).hasSize(1);
        assertThat(source.problem()).get().asString().contains("does not belong to the certificate")
                .contains("keeping the certificate loaded before");
        assertThat(reloads("failure")).isEqualTo(1);
    }

    @Test
    void refusesACertificateForAnotherHostname() throws Exception {
        CertifiedKey other = new TestPki("ca").issue("other.test", "other.test");
        Path cert = dir.resolve("c.pem");
        Path key = dir.resolve("k.pem");
        PemFiles.write(other, cert, key);
        start(cert, key, "relay.test", NO_POLL);

        assertThat(installed).isEmpty();
        assertThat(source.problem()).get().asString().contains("not valid for hostname relay.test");
    }

    @Test
    void missingFilesAreAProblemUntilTheyAppear() throws Exception {
        start(cert(), key(), "relay.test", NO_POLL);
        assertThat(installed).isEmpty();
        assertThat(source.problem()).get().asString().contains("certificate file missing");

        CertifiedKey certified = new TestPki("ca").issue("relay.test", "relay.test");
        PemFiles.write(certified, cert(), key());
        await().atMost(Duration.ofSeconds(60)).until(() -> last() != null && last().leaf().equals(certified.leaf()));
        assertThat(source.problem()).isEmpty();
    }

    @Test
    void generatesASelfSignedLeafForAnIpHostnameAndKeepsItAcrossStarts() throws Exception {
        Path cert = dir.resolve("certs/192.0.2.10.crt");
        Path key = dir.resolve("certs/192.0.2.10.key");
        start(cert, key, "192.0.2.10", NO_POLL);

        CertifiedKey generated = last();
        assertThat(generated.chain()).hasSize(1);
        assertThat(generated.leaf().getSubjectX500Principal()).isEqualTo(generated.leaf().getIssuerX500Principal());
        assertThat(HostnameVerifier.matches(generated.leaf(), "192.0.2.10")).isTrue();
        assertThat(generated.pin()).matches("sha256-raw:[0-9a-f]{64}");
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        source.close();

        installed.clear();
        start(cert, key, "192.0.2.10", NO_POLL);
        assertThat(last().pin()).isEqualTo(generated.pin());
    }
}

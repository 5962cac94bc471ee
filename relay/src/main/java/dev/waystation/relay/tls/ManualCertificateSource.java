package dev.waystation.relay.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

/**
 * Manual certificate mode: a PEM chain and key from files, reloaded whenever their content changes
 * (derper reads them once and needs a restart). A pair that fails to load or to match (key of
 * another certificate, certificate not valid for the hostname, a half-written update) is reported
 * and the certificate in use stays; the next change is tried again. When the hostname is an IP
 * address and neither file exists, a self-signed certificate is generated and written there first
 * (as derper does), and the {@code CertName} pin for the DERP map is logged.
 */
final class ManualCertificateSource implements CertificateSource {

    private static final Logger LOG = Logger.getLogger(ManualCertificateSource.class);

    private final Path certFile;
    private final Path keyFile;
    private final String hostname;
    private final Duration pollInterval;
    private final Clock clock;
    private final TlsMetrics metrics;
    private volatile Optional<String> problem = Optional.of("no certificate loaded yet");
    private byte[] loadedDigest;
    private byte[] failedDigest;
    private Consumer<CertifiedKey> install;
    private FileChangeWatcher watcher;

    ManualCertificateSource(Path certFile, Path keyFile, String hostname, Duration pollInterval, Clock clock,
            TlsMetrics metrics) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.hostname = hostname;
        this.pollInterval = pollInterval;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public synchronized void start(Consumer<CertifiedKey> install) {
        this.install = install;
        createSelfSignedIfIpAndMissing();
        check();
        try {
            watcher = new FileChangeWatcher(Set.of(certFile, keyFile), pollInterval, this::check);
            watcher.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot watch the certificate files " + certFile + " and " + keyFile, e);
        }
    }

    private void createSelfSignedIfIpAndMissing() {
        Optional<InetAddress> ip = IpLiterals.parse(hostname);
        if (ip.isEmpty() || Files.exists(certFile) || Files.exists(keyFile)) {
            return;
        }
        try {
            CertifiedKey generated = SelfSignedCertificates.forIp(ip.get(), clock.instant());
            PemFiles.write(generated, certFile, keyFile);
            LOG.infof("generated a self-signed certificate for IP address %s in %s", hostname, certFile);
        } catch (IOException | GeneralSecurityException e) {
            problem = Optional.of("cannot create the self-signed certificate for " + hostname + ": " + e.getMessage());
            LOG.error(problem.get());
        }
    }

    /** Loads the files if their content differs from what is installed; called on start and on every change. */
    synchronized void check() {
        byte[] digest;
        try {
            digest = digest(certFile, keyFile);
        } catch (NoSuchFileException e) {
            report("certificate file missing: " + e.getFile()
                    + " (manual mode needs a PEM certificate chain and its private key)");
            return;
        } catch (IOException e) {
            report("cannot read the certificate files: " + e);
            return;
        }
        if (Arrays.equals(digest, loadedDigest) || Arrays.equals(digest, failedDigest)) {
            return;
        }
        try {
            CertifiedKey certified = PemFiles.read(certFile, keyFile);
            certified.verifyKeyMatchesLeaf();
            if (!HostnameVerifier.matches(certified.leaf(), hostname)) {
                throw new CertificateException("the certificate in " + certFile + " is not valid for hostname "
                        + hostname + " (no matching subject alternative name)");
            }
            install.accept(certified);
            boolean first = loadedDigest == null;
            loadedDigest = digest;
            problem = Optional.empty();
            metrics.loaded(certified, first);
            LOG.infof("%s TLS certificate %s for %s (valid until %s); pin: CertName \"%s\"",
                    first ? "loaded" : "reloaded", certified.leaf().getSubjectX500Principal().getName(), hostname,
                    certified.notAfter(), certified.pin());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            failedDigest = digest;
            metrics.reloadFailed();
            report("cannot use the certificate in " + certFile + " with key " + keyFile + ": " + e.getMessage()
                    + (loadedDigest == null ? "" : "; keeping the certificate loaded before"));
        }
    }

    private void report(String message) {
        if (!problem.equals(Optional.of(message))) {
            LOG.error(message);
        }
        problem = Optional.of(message);
    }

    private static byte[] digest(Path certFile, Path keyFile) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(certFile));
            sha.update(Files.readAllBytes(keyFile));
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<String> problem() {
        return problem;
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
        }
    }
}

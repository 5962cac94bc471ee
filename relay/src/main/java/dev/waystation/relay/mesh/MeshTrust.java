package dev.waystation.relay.mesh;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import org.jboss.logging.Logger;

import dev.waystation.relay.tls.FileChangeWatcher;
import dev.waystation.relay.tls.PemFiles;
import dev.waystation.relay.tls.TrustStores;

/**
 * Whom the mesh links trust: the certificates of {@code mesh-ca-file} (CAs, or in SelfSigned regions
 * every node's own certificate), re-read whenever the file changes, so a region that scales out
 * meshes with its new node without restarting the others, and a node whose certificate left the
 * file is refused on its next connect (links already up stay). Without the file the JVM's trust
 * store applies. A file that cannot be read or parsed keeps the last good trust (before any, every
 * peer is refused) and counts as a failed reload.
 */
final class MeshTrust extends X509ExtendedTrustManager implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MeshTrust.class);

    private final Optional<Path> file;
    private final MeshMetrics metrics;
    /** Null until the file first parses: every peer is refused meanwhile. */
    private volatile X509ExtendedTrustManager current;
    private volatile int certificates;
    private byte[] lastContent;
    /** The last content that did not parse, so it is neither parsed nor counted again. */
    private byte[] refusedContent;
    private String lastFailure;
    private FileChangeWatcher watcher;

    MeshTrust(Optional<Path> file, MeshMetrics metrics) {
        this.file = file;
        this.metrics = metrics;
    }

    /** Loads the file (or the JVM's trust store) and, when a file is configured, watches it. */
    void start(Duration pollInterval) throws IOException {
        if (file.isPresent() && Files.exists(file.get())) {
            check();
        } else {
            file.ifPresent(f -> LOG.infof("region mesh: %s does not exist; peers are verified against the JVM's "
                    + "trust store until it appears", f));
            current = jvmTrust();
        }
        if (file.isPresent()) {
            watcher = new FileChangeWatcher(Set.of(file.get()), pollInterval, this::check);
            watcher.start();
        }
        metrics.trustedCertificates(() -> certificates);
    }

    /** Where the trust comes from, for the start-up log. */
    String describe() {
        return file.map(f -> f + " (re-read when it changes)").orElse("the JVM's trust store");
    }

    /** Reads the file again; installs its certificates when its content changed and parses. */
    synchronized void check() {
        Path path = file.orElseThrow();
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            if (lastContent != null) {
                failedOnce("the mesh CA file " + path + " is gone");
            }
            return; // never there: the JVM's trust store stays
        } catch (IOException e) {
            failedOnce("cannot read the mesh CA file " + path + ": " + e);
            return;
        }
        // The content in force, or one already refused: every poll and every event in the
        // directory lands here, and only a new version is worth parsing (and counting).
        if (Arrays.equals(content, lastContent)) {
            lastFailure = null; // back as it was (after being gone or unreadable)
            return;
        }
        if (Arrays.equals(content, refusedContent)) {
            return;
        }
        try {
            List<X509Certificate> trusted = PemFiles.readChain(new String(content, StandardCharsets.US_ASCII), path);
            current = TrustStores.trusting(trusted);
            certificates = trusted.size();
            boolean first = lastContent == null;
            lastContent = content;
            lastFailure = null;
            refusedContent = null;
            metrics.trustReloaded(true);
            LOG.infof("region mesh: %s peer trust from %s: %d certificate(s): %s", first ? "loaded" : "reloaded", path,
                    trusted.size(), trusted.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            refusedContent = content;
            failed("the mesh CA file " + path + " is unusable (" + e.getMessage() + ")");
        }
    }

    /** A failure without a content to remember (file gone, unreadable): counted once until it changes. */
    private void failedOnce(String reason) {
        if (!reason.equals(lastFailure)) {
            failed(reason);
        }
    }

    private void failed(String reason) {
        metrics.trustReloaded(false);
        if (!reason.equals(lastFailure)) {
            LOG.errorf("region mesh: %s; %s", reason,
                    lastContent == null ? "every peer is refused until it is fixed" : "the last good trust stays");
            lastFailure = reason;
        }
    }

    private static X509ExtendedTrustManager jvmTrust() {
        try {
            return TrustStores.jvmDefault();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM's default trust store is unusable: " + e.getMessage(), e);
        }
    }

    // Each handshake asks the trust of the moment; mesh links are only ever TLS clients.

    private X509ExtendedTrustManager trust() throws CertificateException {
        X509ExtendedTrustManager trust = current;
        if (trust == null) {
            throw new CertificateException("the mesh CA file " + file.orElseThrow() + " has no usable certificate yet");
        }
        return trust;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        trust().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        trust().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        trust().checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("mesh links do not accept TLS clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("mesh links do not accept TLS clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("mesh links do not accept TLS clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        X509ExtendedTrustManager trust = current;
        return trust == null ? new X509Certificate[0] : trust.getAcceptedIssuers();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
    }
}

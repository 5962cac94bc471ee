package dev.waystation.operator.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificates the prober accepts, as Tailscale's client does: a node whose CertName is a
 * {@code sha256-raw:<hex>} pin must present exactly that leaf (SHA-256 of its DER), nothing else is
 * checked; any other node must present a chain to a trusted CA that names the node.
 */
final class NodeTrust {

    static final String PIN_PREFIX = "sha256-raw:";

    private final SSLContext byName;

    NodeTrust(Optional<Path> caFile) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(caFile.map(NodeTrust::keyStore).orElse(null));
            byName = SSLContext.getInstance("TLS");
            byName.init(null, factory.getTrustManagers(), null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the prober's TLS trust cannot be set up: " + e.getMessage(), e);
        }
    }

    /** The context for a node: its pin when CertName carries one, else the CAs. */
    SSLContext contextFor(ProbeTarget target) {
        return target.pin().map(NodeTrust::pinned).orElse(byName);
    }

    /** Whether the handshake must also check the certificate names the node (never with a pin). */
    static boolean verifiesName(ProbeTarget target) {
        return target.pin().isEmpty();
    }

    private static SSLContext pinned(String pin) {
        String wanted = pin.substring(PIN_PREFIX.length()).toLowerCase();
        X509TrustManager manager = new X509TrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                String actual = sha256Hex(chain[0]);
                if (!actual.equals(wanted)) {
                    throw new CertificateException("certificate " + PIN_PREFIX + actual + " is not the pinned " + pin);
                }
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("the prober is never a TLS server");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {manager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is always available", e);
        }
    }

    static String sha256Hex(X509Certificate certificate) throws CertificateException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new CertificateException("cannot hash the certificate: " + e.getMessage(), e);
        }
    }

    private static KeyStore keyStore(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new IllegalStateException("waystation.operator.probe.ca-file " + pem + " holds no certificate");
            }
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("waystation.operator.probe.ca-file " + pem + " cannot be read", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("waystation.operator.probe.ca-file " + pem + " is not PEM certificates: "
                    + e.getMessage(), e);
        }
    }
}

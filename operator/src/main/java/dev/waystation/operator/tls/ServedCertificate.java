package dev.waystation.operator.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import dev.waystation.tls.CertificatePin;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * What a relay node presents, as far as the DerpRegion status cares: the leaf's pin and its NotAfter.
 * Read from the same Secret the relay loads its files from, whatever filled it (the operator for
 * SelfSigned, a person or cert-manager for Manual), so every TLS mode reports expiry the same way.
 *
 * @param pin {@code sha256-raw:<hex>} of the leaf
 * @param notAfter end of the leaf's validity
 */
public record ServedCertificate(String pin, Instant notAfter) {

    /** The leaf (first certificate) of the PEM chain under {@code key} of {@code secret}, if there is a readable one. */
    public static Optional<ServedCertificate> fromSecret(Secret secret, String key) {
        Map<String, String> data = secret == null ? null : secret.getData();
        if (data == null || data.get(key) == null) {
            return Optional.empty();
        }
        try {
            return fromPem(new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The leaf of a PEM chain, if it parses. */
    public static Optional<ServedCertificate> fromPem(String pem) {
        return leaf(pem).map(ServedCertificate::of);
    }

    public static ServedCertificate of(X509Certificate leaf) {
        return new ServedCertificate(CertificatePin.of(leaf), leaf.getNotAfter().toInstant());
    }

    static Optional<X509Certificate> leaf(String pem) {
        try {
            var factory = CertificateFactory.getInstance("X.509");
            // Reads the first certificate of the stream, skipping anything before its BEGIN line.
            return Optional.of((X509Certificate) factory.generateCertificate(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
        } catch (CertificateException e) {
            return Optional.empty();
        }
    }
}

package dev.waystation.relay.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import dev.waystation.tls.CertificatePin;

/**
 * A certificate chain (leaf first) with the leaf's private key: what the TLS listener presents.
 *
 * @param chain leaf first, then intermediates in the order the PEM file lists them
 * @param key the private key of {@code chain.get(0)}
 */
public record CertifiedKey(List<X509Certificate> chain, PrivateKey key) {

    /** Text prefix of a DERP map {@code CertName} that pins the leaf by the SHA-256 of its DER form. */
    public static final String PIN_PREFIX = CertificatePin.PREFIX;

    public CertifiedKey {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the leaf certificate");
        }
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** {@code sha256-raw:<lowercase hex>} of the leaf: the value for {@code DERPNode.CertName} when pinning. */
    public String pin() {
        return CertificatePin.of(leaf());
    }

    /**
     * Fails unless the private key belongs to the leaf: a signature made with the key must verify
     * with the leaf's public key. Catches a half-written pair (new certificate, old key) during a reload.
     */
    public void verifyKeyMatchesLeaf() throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new GeneralSecurityException("unsupported private key algorithm " + key.getAlgorithm()
                    + " (use an EC, RSA or Ed25519 key)");
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(leaf().getPublicKey());
        verifier.update(challenge);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("the private key does not belong to the certificate "
                    + leaf().getSubjectX500Principal().getName());
        }
    }
}

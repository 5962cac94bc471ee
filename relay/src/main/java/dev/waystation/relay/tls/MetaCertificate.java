package dev.waystation.relay.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * derper's "meta-certificate" (a self-signed certificate naming the DERP server key), appended after the real chain: it tells a TLS 1.3 client
 * the DERP server key before any HTTP, so the client can skip waiting for the 101 and the ServerKey
 * frame (fast start). Self-signed with a throw-away Ed25519 key (clients never check the signature),
 * serial = protocol version 2, CN {@code derpkey<hex key>}, valid 30 days either side of now, not a CA,
 * and without subject/authority key identifiers so derpprobe treats it as self-signed and skips its
 * expiry check. Pinning clients ignore it.
 */
final class MetaCertificate {

    static final String CN_PREFIX = "derpkey";
    static final BigInteger SERIAL = BigInteger.valueOf(2);
    static final Duration VALIDITY_EITHER_SIDE = Duration.ofDays(30);

    private MetaCertificate() {
    }

    static X509Certificate forServerKey(byte[] serverPublicKey, Instant now) throws GeneralSecurityException {
        KeyPair signer = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        X500Name name = new X500Name("CN=" + CN_PREFIX + HexFormat.of().formatHex(serverPublicKey));
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, SERIAL,
                Date.from(now.minus(VALIDITY_EITHER_SIDE)), Date.from(now.plus(VALIDITY_EITHER_SIDE)), name,
                signer.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("Ed25519").build(signer.getPrivate())));
        } catch (CertIOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot build the DERP meta-certificate", e);
        }
    }
}

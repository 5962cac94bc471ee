package dev.waystation.relay.tls;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A private CA issuing leaf certificates, for TLS tests. */
public final class TestPki {

    private final KeyPair caKey;
    private final X509Certificate caCertificate;

    public TestPki(String name) throws Exception {
        caKey = ecKey();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(Instant.now()
                .minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(30))), subject,
                caKey.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        caCertificate = sign(builder, caKey);
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** A leaf for DNS names and/or IP addresses (an entry with only digits, dots or colons is an IP). */
    public CertifiedKey issue(String commonName, String... names) throws Exception {
        KeyPair leafKey = ecKey();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                new X500Name(caCertificate.getSubjectX500Principal().getName()), serial(),
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(30))),
                new X500Name("CN=" + commonName), leafKey.getPublic());
        addLeafExtensions(builder, names);
        return new CertifiedKey(List.of(sign(builder, caKey), caCertificate), leafKey.getPrivate());
    }

    /** A self-signed leaf for {@code names}, as the operator issues one per node of a SelfSigned region. */
    public static CertifiedKey selfSigned(String... names) throws Exception {
        KeyPair leafKey = ecKey();
        X500Name subject = new X500Name("CN=" + names[0]);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(30))),
                subject, leafKey.getPublic());
        addLeafExtensions(builder, names);
        return new CertifiedKey(List.of(sign(builder, leafKey)), leafKey.getPrivate());
    }

    private static void addLeafExtensions(X509v3CertificateBuilder builder, String... names) throws Exception {
        GeneralName[] sans = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            boolean ip = names[i].matches("[0-9.:a-fA-F]*[.:][0-9.:a-fA-F]*") && !names[i].matches(".*[g-zG-Z].*");
            sans[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom());
    }
}

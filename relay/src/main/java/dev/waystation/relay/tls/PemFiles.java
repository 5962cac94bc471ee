package dev.waystation.relay.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Reads and writes the PEM files of manual certificate mode: a certificate chain (leaf first) and
 * its private key in any of the encodings derper's Go loader accepts (PKCS#8 {@code PRIVATE KEY},
 * SEC1 {@code EC PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY}).
 */
public final class PemFiles {

    private PemFiles() {
    }

    static CertifiedKey read(Path certFile, Path keyFile) throws IOException, CertificateException {
        List<X509Certificate> chain = readChain(Files.readString(certFile, StandardCharsets.US_ASCII), certFile);
        PrivateKey key = readKey(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile);
        return new CertifiedKey(chain, key);
    }

    public static List<X509Certificate> readChain(String pem, Path source) throws IOException, CertificateException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        }
        if (chain.isEmpty()) {
            throw new CertificateException("no CERTIFICATE block in " + source);
        }
        return chain;
    }

    public static PrivateKey readKey(String pem, Path source) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = new StringReader(pem); PEMParser parser = new PEMParser(reader)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof PEMKeyPair pair) {
                    return jdkKey(converter.getPrivateKey(pair.getPrivateKeyInfo()));
                }
                if (item instanceof PrivateKeyInfo info) {
                    return jdkKey(converter.getPrivateKey(info));
                }
            }
        }
        throw new IOException("no unencrypted PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block in " + source);
    }

    /**
     * The same key from the JDK's providers: with BouncyCastle registered (ACME mode) the converter
     * returns its keys, whose EC algorithm name "ECDSA" matches no TLS key type ("EC").
     */
    private static PrivateKey jdkKey(PrivateKey key) throws IOException {
        String algorithm = "ECDSA".equals(key.getAlgorithm()) ? "EC" : key.getAlgorithm();
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException("unsupported private key (" + key.getAlgorithm() + "): " + e.getMessage(), e);
        }
    }

    /** Writes the chain (0644) and the key (0600), like derper does for its generated IP certificate. */
    static void write(CertifiedKey certified, Path certFile, Path keyFile) throws IOException {
        Path dir = certFile.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Files.writeString(certFile, encodeChain(certified.chain()), StandardCharsets.US_ASCII);
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, encodeKey(certified.key()), StandardCharsets.US_ASCII);
    }

    /** PEM {@code CERTIFICATE} blocks, in the order given. */
    public static String encodeChain(List<X509Certificate> chain) throws IOException {
        StringWriter certs = new StringWriter();
        try (PemWriter writer = new PemWriter(certs)) {
            for (X509Certificate certificate : chain) {
                writer.writeObject(new JcaMiscPEMGenerator(certificate));
            }
        }
        return certs.toString();
    }

    /** A PKCS#8 {@code PRIVATE KEY} block. */
    public static String encodeKey(PrivateKey key) throws IOException {
        StringWriter pem = new StringWriter();
        try (PemWriter writer = new PemWriter(pem)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        }
        return pem.toString();
    }
}

package dev.waystation.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * The DERP map's pin of a self-signed leaf, {@code CertName: "sha256-raw:<hex>"}: lowercase hex of
 * the SHA-256 of the leaf's DER encoding, which Tailscale's client compares with every non-meta
 * certificate the server presents (and then still checks the dialled name and the validity dates).
 */
public final class CertificatePin {

    public static final String PREFIX = "sha256-raw:";

    private CertificatePin() {
    }

    public static String of(X509Certificate leaf) {
        try {
            return PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint the certificate", e);
        }
    }
}

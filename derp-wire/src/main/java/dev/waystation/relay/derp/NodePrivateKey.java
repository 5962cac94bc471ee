package dev.waystation.relay.derp;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.KeyAgreement;

import software.pando.crypto.nacl.CryptoBox;

/** A Curve25519 private key (the DERP server's identity), with its public key and the JDK key object. */
public final class NodePrivateKey {

    public static final String PREFIX = "privkey:";
    /** The X25519 base point u = 9: multiplying it by the scalar gives the public key. */
    private static final byte[] BASE_POINT = basePoint();

    private final byte[] raw;
    private final PrivateKey jdkKey;
    private final NodeKey publicKey;

    private NodePrivateKey(byte[] raw) {
        this.raw = raw.clone();
        this.jdkKey = CryptoBox.privateKey(this.raw);
        this.publicKey = NodeKey.fromBytes(x25519(jdkKey, BASE_POINT));
    }

    /** A fresh random key, clamped as Tailscale clamps at generation. */
    public static NodePrivateKey generate(SecureRandom random) {
        byte[] raw = new byte[Protocol.KEY_LENGTH];
        random.nextBytes(raw);
        raw[0] &= (byte) 0xF8;
        raw[31] = (byte) ((raw[31] & 0x7F) | 0x40);
        return new NodePrivateKey(raw);
    }

    public static NodePrivateKey fromBytes(byte[] raw) {
        if (raw.length != Protocol.KEY_LENGTH) {
            throw new IllegalArgumentException("a private key is 32 bytes, got " + raw.length);
        }
        return new NodePrivateKey(raw);
    }

    /** Parses {@code privkey:<64 hex>}. */
    public static NodePrivateKey parse(String text) {
        String trimmed = text.trim();
        if (!trimmed.startsWith(PREFIX) || trimmed.length() != PREFIX.length() + 2 * Protocol.KEY_LENGTH) {
            throw new IllegalArgumentException("a private key is written " + PREFIX + "<64 hex characters>");
        }
        return fromBytes(HexFormat.of().parseHex(trimmed.substring(PREFIX.length())));
    }

    public NodeKey publicKey() {
        return publicKey;
    }

    PrivateKey jdkKey() {
        return jdkKey;
    }

    public String toText() {
        return PREFIX + HexFormat.of().formatHex(raw);
    }

    @Override
    public String toString() {
        return "NodePrivateKey(public " + publicKey + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodePrivateKey other && Arrays.equals(other.raw, raw);
    }

    @Override
    public int hashCode() {
        return publicKey.hashCode();
    }

    private static byte[] x25519(PrivateKey scalar, byte[] point) {
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(scalar);
            agreement.doPhase(CryptoBox.publicKey(point), true);
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available in this JDK", e);
        }
    }

    private static byte[] basePoint() {
        byte[] point = new byte[Protocol.KEY_LENGTH];
        point[0] = 9;
        return point;
    }
}

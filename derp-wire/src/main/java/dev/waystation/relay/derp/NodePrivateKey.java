package dev.waystation.relay.derp;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A Curve25519 private key (the DERP server's identity) and its public key. X25519 is BouncyCastle's
 * RFC 7748 arithmetic called directly: a handshake's key agreement is the relay's costliest step per
 * connection, and the JDK's XDH took several times as long.
 */
public final class NodePrivateKey {

    public static final String PREFIX = "privkey:";

    private final byte[] raw;
    private final NodeKey publicKey;

    private NodePrivateKey(byte[] raw) {
        this.raw = raw.clone();
        byte[] point = new byte[Protocol.KEY_LENGTH];
        X25519.scalarMultBase(this.raw, 0, point, 0);
        this.publicKey = NodeKey.fromBytes(point);
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

    /**
     * X25519 of this key and {@code peer} (the scalar clamped as RFC 7748 says).
     *
     * @throws IllegalArgumentException when {@code peer} is a point of small order: the result would be
     *         all zeros, a key anyone knows
     */
    byte[] sharedSecret(NodeKey peer) {
        byte[] secret = new byte[Protocol.KEY_LENGTH];
        if (!X25519.calculateAgreement(raw, 0, peer.toBytes(), 0, secret, 0)) {
            throw new IllegalArgumentException("key " + peer + " is a point of small order");
        }
        return secret;
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
}

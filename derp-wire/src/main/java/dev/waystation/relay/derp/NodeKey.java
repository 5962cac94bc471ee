package dev.waystation.relay.derp;

import java.util.Base64;
import java.util.HexFormat;

import io.netty.buffer.ByteBuf;

/**
 * A 32-byte Curve25519 public key of a DERP client or server, held as four longs so that equality and
 * hashing (the client registry's lookup on every packet) touch no arrays.
 */
public final class NodeKey {

    public static final String PREFIX = "nodekey:";
    private static final HexFormat HEX = HexFormat.of();

    // Public so the relay's per-packet key lookup (KeyProbe) can compare and rebuild keys without
    // arrays; this class lives in a jar of its own and may be loaded apart from the relay's code.
    public final long k0;
    public final long k1;
    public final long k2;
    public final long k3;

    public NodeKey(long k0, long k1, long k2, long k3) {
        this.k0 = k0;
        this.k1 = k1;
        this.k2 = k2;
        this.k3 = k3;
    }

    public static NodeKey fromBytes(byte[] raw) {
        if (raw.length != Protocol.KEY_LENGTH) {
            throw new IllegalArgumentException("a key is 32 bytes, got " + raw.length);
        }
        return new NodeKey(longAt(raw, 0), longAt(raw, 8), longAt(raw, 16), longAt(raw, 24));
    }

    /** Reads 32 bytes at {@code index} without moving the buffer's indices. */
    public static NodeKey fromBuffer(ByteBuf buf, int index) {
        return new NodeKey(buf.getLong(index), buf.getLong(index + 8), buf.getLong(index + 16), buf.getLong(index + 24));
    }

    /** Parses {@code nodekey:<64 hex>} or the untyped 64-hex form, in either case. */
    public static NodeKey parse(String text) {
        String hex = text.startsWith(PREFIX) ? text.substring(PREFIX.length()) : text;
        if (hex.length() != 2 * Protocol.KEY_LENGTH) {
            throw new IllegalArgumentException("a node key is 64 hex characters, optionally prefixed by "
                    + PREFIX + "; got " + text.length() + " characters");
        }
        return fromBytes(HEX.parseHex(hex));
    }

    public byte[] toBytes() {
        byte[] raw = new byte[Protocol.KEY_LENGTH];
        putLong(raw, 0, k0);
        putLong(raw, 8, k1);
        putLong(raw, 16, k2);
        putLong(raw, 24, k3);
        return raw;
    }

    public void writeTo(ByteBuf buf) {
        buf.writeLong(k0).writeLong(k1).writeLong(k2).writeLong(k3);
    }

    /** True when the 32 bytes at {@code index} of {@code buf} are this key. */
    public boolean matches(ByteBuf buf, int index) {
        return buf.getLong(index) == k0 && buf.getLong(index + 8) == k1 && buf.getLong(index + 16) == k2
                && buf.getLong(index + 24) == k3;
    }

    public boolean isZero() {
        return (k0 | k1 | k2 | k3) == 0;
    }

    /** 64 lowercase hex characters, no prefix (the {@code Derp-Public-Key} header and meta-cert form). */
    public String toUntypedHex() {
        return HEX.formatHex(toBytes());
    }

    /** {@code [} + first 5 characters of the standard Base64 + {@code ]}, as Tailscale's logs show keys. */
    public String shortString() {
        return "[" + Base64.getEncoder().encodeToString(toBytes()).substring(0, 5) + "]";
    }

    @Override
    public String toString() {
        return PREFIX + toUntypedHex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeKey other && other.k0 == k0 && other.k1 == k1 && other.k2 == k2 && other.k3 == k3;
    }

    @Override
    public int hashCode() {
        return hash(k0, k1, k2, k3);
    }

    public static int hash(long k0, long k1, long k2, long k3) {
        // Keys are uniformly random; folding one long is enough spread.
        return (int) (k0 ^ (k0 >>> 32) ^ k3);
    }

    private static long longAt(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }
}

package dev.waystation.relay.stun;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.zip.CRC32;

/** Test-side STUN message builder (independent of the server's code: JDK CRC32, plain byte arrays). */
final class StunPackets {

    static final HexFormat HEX = HexFormat.of();
    /** Spec derp.md Appendix A: Tailscale request for transaction id 00 01 .. 0b. */
    static final String APPENDIX_A_REQUEST =
            "000100142112a442000102030405060708090a0b802200087461696c6e6f6465802800048aabad90";
    static final byte[] APPENDIX_A_TXID = HEX.parseHex("000102030405060708090a0b");

    private StunPackets() {
    }

    /** A request of {@code type} with the given raw attribute bytes; header length = attributes' length. */
    static byte[] message(int type, byte[] txid, byte[]... attributes) {
        int length = 0;
        for (byte[] a : attributes) {
            length += a.length;
        }
        ByteBuffer b = ByteBuffer.allocate(20 + length);
        b.putShort((short) type).putShort((short) length).putInt(0x2112A442).put(txid);
        for (byte[] a : attributes) {
            b.put(a);
        }
        return b.array();
    }

    /** One attribute, value padded to 4 bytes. */
    static byte[] attribute(int type, byte[] value) {
        int padded = (value.length + 3) & ~3;
        return ByteBuffer.allocate(4 + padded).putShort((short) type).putShort((short) value.length).put(value).array();
    }

    static byte[] software(String text) {
        return attribute(0x8022, text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /**
     * Appends a FINGERPRINT to {@code message}, first growing the header length by 8 as RFC 8489
     * (and Tailscale) compute it.
     */
    static byte[] withFingerprint(byte[] message) {
        ByteBuffer b = ByteBuffer.allocate(message.length + 8).put(message);
        b.putShort(2, (short) (message.length - 20 + 8));
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, message.length);
        b.putShort((short) 0x8028).putShort((short) 4).putInt((int) crc.getValue() ^ 0x5354554E);
        return b.array();
    }

    /** What a Tailscale client sends: SOFTWARE "tailnode" then FINGERPRINT. */
    static byte[] tailscaleRequest(byte[] txid) {
        return withFingerprint(message(0x0001, txid, software("tailnode")));
    }

    /** A plain RFC 5389 binding request without attributes (what turnutils_stunclient sends). */
    static byte[] plainRequest(byte[] txid) {
        return message(0x0001, txid);
    }
}

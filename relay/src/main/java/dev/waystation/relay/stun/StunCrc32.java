package dev.waystation.relay.stun;

import io.netty.buffer.ByteBuf;

/**
 * CRC-32 (IEEE 802.3, the polynomial of {@code java.util.zip.CRC32} and Go's {@code crc32.ChecksumIEEE})
 * computed straight off a {@link ByteBuf}: {@code java.util.zip.CRC32} needs an array or a
 * {@code ByteBuffer} view, and received datagrams are direct buffers, so that would allocate per packet.
 * STUN fingerprints cover a few dozen bytes, where a table lookup per byte is plenty.
 */
final class StunCrc32 {

    private static final int REFLECTED_POLYNOMIAL = 0xEDB88320;
    private static final int[] TABLE = buildTable();

    private StunCrc32() {
    }

    /** CRC-32 of {@code length} bytes of {@code buf} starting at absolute index {@code from}; indices unchanged. */
    static int checksum(ByteBuf buf, int from, int length) {
        int crc = 0xFFFFFFFF;
        for (int i = from, end = from + length; i < end; i++) {
            crc = TABLE[(crc ^ buf.getByte(i)) & 0xFF] ^ (crc >>> 8);
        }
        return ~crc;
    }

    private static int[] buildTable() {
        int[] table = new int[256];
        for (int n = 0; n < table.length; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? REFLECTED_POLYNOMIAL ^ (c >>> 1) : c >>> 1;
            }
            table[n] = c;
        }
        return table;
    }
}

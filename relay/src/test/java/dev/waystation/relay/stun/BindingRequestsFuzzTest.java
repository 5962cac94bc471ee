package dev.waystation.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Jazzer target for the datagram parser. In the normal suite it replays the seeds in
 * {@code BindingRequestsFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for real. Input: one flag
 * byte (bit 0: answer all clients), then the datagram. Whatever the bytes, classification never
 * throws, never moves the buffer's indices, and answers only what an independent check (JDK CRC32,
 * byte arrays) also accepts; the reply is at most header + XOR-MAPPED-ADDRESS.
 */
class BindingRequestsFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void classifiesWithoutSurprises(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        boolean answerAll = (input[0] & 1) != 0;
        byte[] datagram = java.util.Arrays.copyOfRange(input, 1, input.length);
        ByteBuf buf = Unpooled.directBuffer(datagram.length + 64).writeZero(3).writeBytes(datagram);
        buf.readerIndex(3);
        try {
            Verdict verdict = BindingRequests.classify(buf, answerAll);
            assertThat(buf.readerIndex()).isEqualTo(3);
            assertThat(buf.writerIndex()).isEqualTo(3 + datagram.length);
            if (verdict != Verdict.ANSWER) {
                return;
            }
            ByteBuffer bytes = ByteBuffer.wrap(datagram);
            assertThat(datagram.length).isBetween(20, BindingRequests.MAX_REQUEST_LENGTH);
            assertThat(bytes.getShort(0)).isEqualTo((short) 0x0001);
            assertThat(bytes.getInt(4)).isEqualTo(0x2112A442);
            if (!answerAll) {
                assertThat(hasTailscaleFingerprint(datagram)).isTrue();
            }
            BindingResponse.writeInPlace(buf, new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 1));
            assertThat(buf.readableBytes()).isLessThanOrEqualTo(20 + 24).isLessThanOrEqualTo(datagram.length + 24);
        } finally {
            buf.release();
        }
    }

    /** Ends in FINGERPRINT (0x8028, length 4) equal to CRC-32 of the bytes before it XOR "STUN". */
    private static boolean hasTailscaleFingerprint(byte[] datagram) {
        if (datagram.length < 28) {
            return false;
        }
        ByteBuffer bytes = ByteBuffer.wrap(datagram);
        int fingerprint = datagram.length - 8;
        CRC32 crc = new CRC32();
        crc.update(datagram, 0, fingerprint);
        return bytes.getShort(fingerprint) == (short) 0x8028 && bytes.getShort(fingerprint + 2) == 4
                && bytes.getInt(fingerprint + 4) == ((int) crc.getValue() ^ 0x5354554E);
    }
}

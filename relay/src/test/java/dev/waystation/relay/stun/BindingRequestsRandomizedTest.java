package dev.waystation.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Randomized (seeded, so reproducible) mutations of real requests: bit flips, truncations,
 * extensions, rewritten length and type fields, in both modes. Whatever the bytes, classification
 * never throws, never moves the buffer's indices, and answers only what an independent check (JDK
 * CRC32, byte arrays) also accepts; the reply is at most header + XOR-MAPPED-ADDRESS.
 *
 * <p>A Jazzer {@code @FuzzTest} of this target found nothing in 30 s of real fuzzing, but its agent
 * cost 45-105 s of every suite run on the shared build machine, so the suite runs this instead.
 */
class BindingRequestsRandomizedTest {

    private static final long SEED = 0x7461696c6eL;
    private static final int CASES = 200_000;

    @Test
    void mutatedRequestsAreClassifiedWithoutSurprises() throws Exception {
        Random random = new Random(SEED);
        byte[][] seeds = {StunPackets.tailscaleRequest(new byte[12]), StunPackets.plainRequest(new byte[12]),
                StunPackets.withFingerprint(StunPackets.plainRequest(new byte[12]))};
        int answered = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] datagram = mutate(seeds[random.nextInt(seeds.length)], random);
            if (classifiesWithoutSurprises(datagram, random.nextBoolean())) {
                answered++;
            }
        }
        assertThat(answered).as("some mutations stay valid requests").isPositive().isLessThan(CASES);
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] datagram = seed.clone();
        switch (random.nextInt(6)) {
            case 0 -> datagram[random.nextInt(datagram.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> datagram = java.util.Arrays.copyOf(datagram, random.nextInt(datagram.length));
            case 2 -> {
                datagram = java.util.Arrays.copyOf(datagram, datagram.length + 1 + random.nextInt(40));
                for (int j = seed.length; j < datagram.length; j++) {
                    datagram[j] = (byte) random.nextInt(256);
                }
            }
            case 3 -> ByteBuffer.wrap(datagram).putShort(2, (short) random.nextInt(65536));
            case 4 -> ByteBuffer.wrap(datagram).putShort(0, (short) random.nextInt(4));
            default -> {
                // unchanged: the valid seeds themselves
            }
        }
        return datagram;
    }

    private static boolean classifiesWithoutSurprises(byte[] datagram, boolean answerAll) throws Exception {
        ByteBuf buf = Unpooled.directBuffer(datagram.length + 64).writeZero(3).writeBytes(datagram);
        buf.readerIndex(3);
        try {
            Verdict verdict = BindingRequests.classify(buf, answerAll, StunWire.IPV4_RESPONSE_LENGTH);
            assertThat(buf.readerIndex()).isEqualTo(3);
            assertThat(buf.writerIndex()).isEqualTo(3 + datagram.length);
            if (verdict != Verdict.ANSWER) {
                return false;
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
            return true;
        } finally {
            buf.release();
        }
    }

    /** Ends in FINGERPRINT (0x8028, length 4) equal to CRC-32 of the bytes before it XOR "STUN". */
    static boolean hasTailscaleFingerprint(byte[] datagram) {
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

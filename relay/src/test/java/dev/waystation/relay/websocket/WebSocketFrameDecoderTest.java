package dev.waystation.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Client frames as RFC 6455 defines them, fed whole and in every split a TCP stream may produce. */
class WebSocketFrameDecoderTest {

    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private final List<String> events = new ArrayList<>();
    private final WebSocketFrameDecoder decoder = new WebSocketFrameDecoder(new WebSocketFrameDecoder.Sink() {
        @Override
        public void onBinary(ByteBuf payload) {
            binary.writeBytes(ByteBufUtil.getBytes(payload));
            payload.release();
        }

        @Override
        public void onPing(ByteBuf payload) {
            events.add("ping:" + payload.toString(java.nio.charset.StandardCharsets.US_ASCII));
            payload.release();
        }

        @Override
        public void onClose(int code, String reason) {
            events.add("close:" + code + ":" + reason);
        }

        @Override
        public void onProtocolError(int closeCode, String message) {
            events.add("error:" + closeCode);
        }
    });

    /** A masked client frame. */
    static byte[] frame(int firstByte, byte[] payload, boolean masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length <= 125) {
            out.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write(payload.length >> 8);
            out.write(payload.length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >> shift));
            }
        }
        byte[] mask = {0x37, (byte) 0xfa, 0x21, 0x3d};
        if (masked) {
            out.writeBytes(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(masked ? payload[i] ^ mask[i % 4] : payload[i]);
        }
        return out.toByteArray();
    }

    private void feed(byte[] bytes) {
        decoder.decode(Unpooled.wrappedBuffer(bytes.clone()));
    }

    @Test
    void streamsBinaryPayloadOfAllLengthEncodingsInAnySplit() {
        Random random = new Random(42);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int size : new int[] {0, 1, 125, 126, 65535, 65536, 70000}) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            wire.writeBytes(frame(0x82, payload, true));
            expected.writeBytes(payload);
        }
        byte[] all = wire.toByteArray();
        // Chunks of varying sizes, down to single bytes, as TCP may deliver them.
        int position = 0;
        while (position < all.length) {
            int chunk = Math.min(all.length - position, 1 + random.nextInt(position < 200 ? 2 : 5000));
            byte[] part = new byte[chunk];
            System.arraycopy(all, position, part, 0, chunk);
            feed(part);
            position += chunk;
        }
        assertThat(binary.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(events).isEmpty();
    }

    @Test
    void joinsFragmentedMessagesAndAnswersControlFramesBetweenFragments() {
        feed(frame(0x02, "hel".getBytes(), true));
        feed(frame(0x89, "p1".getBytes(), true));
        feed(frame(0x00, "lo ".getBytes(), true));
        feed(frame(0x8A, "ignored pong".getBytes(), true));
        feed(frame(0x80, "world".getBytes(), true));
        assertThat(binary.toString()).isEqualTo("hello world");
        assertThat(events).containsExactly("ping:p1");
    }

    @Test
    void reportsCloseWithCodeAndReason() {
        byte[] payload = {0x03, (byte) 0xE8, 'b', 'y', 'e'};
        feed(frame(0x88, payload, true));
        assertThat(events).containsExactly("close:1000:bye");
    }

    @Test
    void closeWithoutStatusIsNoStatus() {
        feed(frame(0x88, new byte[0], true));
        assertThat(events).containsExactly("close:1005:");
    }

    @Test
    void textMessagesAreUnsupportedData() {
        feed(frame(0x81, "hi".getBytes(), true));
        assertThat(events).containsExactly("error:1003");
    }

    @Test
    void protocolViolationsAreProtocolErrorsAndStopDecoding() {
        for (byte[] bad : new byte[][] {
            frame(0x82, "x".getBytes(), false), // unmasked client frame
            frame(0xC2, "x".getBytes(), true), // RSV1 without extension
            frame(0x80, "x".getBytes(), true), // continuation of nothing
            frame(0x09, "x".getBytes(), true), // fragmented ping
            frame(0x89, new byte[126], true), // oversized control frame
            frame(0x83, "x".getBytes(), true), // reserved opcode
        }) {
            events.clear();
            WebSocketFrameDecoderTest fresh = new WebSocketFrameDecoderTest();
            fresh.feed(bad);
            fresh.feed(frame(0x82, "after".getBytes(), true));
            assertThat(fresh.events).containsExactly("error:1002");
            assertThat(fresh.binary.size()).isZero();
        }
    }

    @Test
    void newDataFrameInsideAFragmentedMessageIsAProtocolError() {
        feed(frame(0x02, "a".getBytes(), true));
        feed(frame(0x82, "b".getBytes(), true));
        assertThat(events).containsExactly("error:1002");
    }
}

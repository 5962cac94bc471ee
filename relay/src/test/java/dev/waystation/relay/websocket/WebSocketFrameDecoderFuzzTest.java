package dev.waystation.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import dev.waystation.relay.testing.FuzzStreams;
import dev.waystation.relay.testing.TrackingAllocator;

/**
 * The WebSocket frame decoder on arbitrary client bytes. Seeds: the masked frames Tailscale's
 * {@code derphttp} WebSocket client sent (its ClientInfo), a ping, a fragmented binary message and a
 * close. Whatever the bytes: what the sink sees (binary stream, pings, close, protocol error) is the
 * same whether the bytes come at once or in small reads; the binary stream never holds more bytes
 * than were received; control payloads stay within 125 bytes; nothing follows a close or an error;
 * every input buffer and every payload handed out is released once its receiver released it.
 */
class WebSocketFrameDecoderFuzzTest {

    /** Everything the sink was told, in order; binary payload merged into one stream per run of frames. */
    private static final class Recording implements WebSocketFrameDecoder.Sink {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        long binaryBytes;
        boolean ended;

        @Override
        public void onBinary(ByteBuf payload) {
            assertThat(ended).as("binary after close or error").isFalse();
            assertThat(payload.isReadable()).as("empty binary chunk").isTrue();
            binaryBytes += payload.readableBytes();
            binary.writeBytes(ByteBufUtil.getBytes(payload));
            payload.release();
        }

        @Override
        public void onPing(ByteBuf payload) {
            assertThat(ended).as("ping after close or error").isFalse();
            assertThat(payload.readableBytes()).isLessThanOrEqualTo(WebSocketFrameDecoder.MAX_CONTROL_PAYLOAD);
            flushBinary();
            events.add("ping " + ByteBufUtil.hexDump(payload));
            payload.release();
        }

        @Override
        public void onClose(int code, String reason) {
            assertThat(ended).as("second close or close after error").isFalse();
            flushBinary();
            events.add("close " + code + " " + reason);
            ended = true;
        }

        @Override
        public void onProtocolError(int closeCode, String message) {
            assertThat(ended).as("error after close or error").isFalse();
            assertThat(closeCode).isIn(WebSocketFrameDecoder.CLOSE_PROTOCOL_ERROR,
                    WebSocketFrameDecoder.CLOSE_UNSUPPORTED_DATA);
            assertThat(message).isNotBlank();
            flushBinary();
            events.add("error " + closeCode);
            ended = true;
        }

        void flushBinary() {
            if (binary.size() > 0) {
                events.add("binary " + java.util.HexFormat.of().formatHex(binary.toByteArray()));
                binary.reset();
            }
        }
    }

    @FuzzTest
    void clientFrames(byte[] input) {
        Recording whole = decode(List.of(input));
        Recording split = decode(FuzzStreams.reads(input));
        assertThat(split.events).as("events of the same bytes in smaller reads").isEqualTo(whole.events);
        assertThat(whole.binaryBytes).as("binary bytes out of %d received", input.length)
                .isLessThanOrEqualTo(input.length);
    }

    private static Recording decode(List<byte[]> reads) {
        TrackingAllocator alloc = new TrackingAllocator();
        Recording recording = new Recording();
        WebSocketFrameDecoder decoder = new WebSocketFrameDecoder(recording);
        for (byte[] read : reads) {
            ByteBuf in = alloc.copyOf(read);
            decoder.decode(in);
            assertThat(in.refCnt()).as("input released once decoded").isZero();
        }
        recording.flushBinary();
        assertThat(alloc.unreleased()).as("buffers still referenced").isEmpty();
        return recording;
    }
}

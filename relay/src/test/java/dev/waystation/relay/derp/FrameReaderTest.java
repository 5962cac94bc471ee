package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.waystation.relay.metrics.ProtocolError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;

/** The frame splitter: any chunking of the stream yields the same frames; skipped frames are never buffered. */
class FrameReaderTest {

    private final PooledByteBufAllocator alloc = new PooledByteBufAllocator(false);

    private static byte[] frame(int type, byte[] payload) {
        ByteBuf buf = Unpooled.buffer().writeByte(type).writeInt(payload.length).writeBytes(payload);
        return ByteBufUtil.getBytes(buf);
    }

    /** Records delivered frames as type + payload copies; retains one slice per frame as forwarding does. */
    private static final class Recorder implements FrameReader.Sink {
        final List<String> frames = new ArrayList<>();
        final List<ByteBuf> kept = new ArrayList<>();
        int maxDeliver = Integer.MAX_VALUE;

        @Override
        public FrameReader.Disposition onHeader(byte type, long length) throws ProtocolViolationException {
            if (length > maxDeliver) {
                throw new ProtocolViolationException(ProtocolError.FRAME_LENGTH, "too long");
            }
            return type == 0x42 ? FrameReader.Disposition.SKIP : FrameReader.Disposition.DELIVER;
        }

        @Override
        public void onFrame(byte type, ByteBuf buffer, int offset, int length) {
            ByteBuf payload = buffer.slice(offset, length);
            frames.add(type + ":" + ByteBufUtil.hexDump(payload));
            kept.add(payload.retainedSlice());
        }
    }

    @Test
    void anyChunkingYieldsTheSameFramesAndKeptSlicesStayIntact() throws Exception {
        Random random = new Random(42);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] payload = new byte[random.nextInt(3000)];
            random.nextBytes(payload);
            int type = i % 7 == 0 ? 0x42 : 0x04;
            stream.write(frame(type, payload));
            if (type != 0x42) {
                expected.add(type + ":" + ByteBufUtil.hexDump(payload));
            }
        }
        byte[] all = stream.toByteArray();
        for (int round = 0; round < 5; round++) {
            Recorder sink = new Recorder();
            FrameReader reader = new FrameReader(alloc, sink);
            int at = 0;
            while (at < all.length) {
                int n = Math.min(all.length - at, 1 + random.nextInt(5000));
                ByteBuf chunk = alloc.buffer(n + random.nextInt(64));
                chunk.writeBytes(all, at, n);
                reader.feed(chunk);
                at += n;
            }
            assertThat(reader.bufferedBytes()).isZero();
            List<String> kept = new ArrayList<>();
            for (ByteBuf b : sink.kept) {
                kept.add("4:" + ByteBufUtil.hexDump(b));
                b.release();
            }
            assertThat(sink.frames).isEqualTo(expected);
            assertThat(kept).isEqualTo(expected);
            reader.release();
        }
    }

    @Test
    void suspendHoldsFramesUntilResumed() throws Exception {
        Recorder sink = new Recorder();
        FrameReader reader = new FrameReader(alloc, sink);
        reader.suspend();
        reader.feed(Unpooled.wrappedBuffer(frame(4, new byte[] {1}), frame(4, new byte[] {2})));
        assertThat(sink.frames).isEmpty();
        assertThat(reader.bufferedBytes()).isEqualTo(12);
        reader.resume();
        assertThat(sink.frames).containsExactly("4:01", "4:02");
        sink.kept.forEach(ByteBuf::release);
    }

    @Test
    void aViolationInTheHeaderSurfacesBeforeThePayloadArrives() {
        Recorder sink = new Recorder();
        sink.maxDeliver = 10;
        FrameReader reader = new FrameReader(alloc, sink);
        assertThatThrownBy(() -> reader.feed(Unpooled.wrappedBuffer(new byte[] {4, 0, 0, 1, 0})))
                .isInstanceOf(ProtocolViolationException.class);
        reader.release();
    }

    @Test
    void aLengthClaimHoldsOnlyWhatArrived() throws Exception {
        Recorder recorder = new Recorder();
        FrameReader reader = new FrameReader(alloc, recorder);
        reader.feed(Unpooled.wrappedBuffer(new byte[] {2, 0, 4, 0, 0})); // ClientInfo claiming 256 KiB
        byte[] kib = new byte[1024];
        for (int i = 0; i < 6; i++) {
            reader.feed(alloc.buffer(64 * 1024).writeBytes(kib));
            assertThat(reader.heldBytes()).as("held after %d KiB", i + 1).isLessThanOrEqualTo(2 * (i + 1) * 1024 + 1024 + 16);
        }
        assertThat(reader.bufferedBytes()).isEqualTo(5 + 6 * 1024);
        reader.release();
    }
}

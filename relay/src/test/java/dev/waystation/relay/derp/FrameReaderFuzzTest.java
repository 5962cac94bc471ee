package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import dev.waystation.relay.metrics.ProtocolError;
import dev.waystation.relay.testing.FuzzStreams;
import dev.waystation.relay.testing.TrackingAllocator;

/**
 * The DERP frame reader on arbitrary client bytes, cut into arbitrary reads, with a sink that
 * delivers, skips or refuses frames as a connection does (ClientInfo up to 256 KiB, known frames up
 * to a packet, unknown types skipped) and pauses delivery now and then. Seeds: the ClientInfo frame
 * Tailscale's {@code derphttp} client sent, followed by the frames a client sends next.
 *
 * <p>The frames delivered are exactly those a plain reference walk over the whole input finds, in
 * order and byte for byte; delivered, skipped and still-buffered bytes add up to the input; what
 * the reader allocates is linear in what it received, plus one unfinished ClientInfo; every buffer is released.
 * And a frame written with the server's own header encoder reads back as itself.
 */
class FrameReaderFuzzTest {

    /** Largest frame the test sink accepts for types it knows: a SendPacket's key and packet. */
    private static final int MAX_KNOWN_FRAME = Protocol.KEY_LENGTH + Protocol.MAX_PACKET_SIZE;

    /**
     * Allocation allowed per received byte: the reads themselves, a frame's buffer once its header is
     * known, and the small merges while a header arrives byte by byte (at worst 26 bytes for a 6-byte
     * frame in 1-byte reads). Linear, so a peer cannot make the reader reserve more than it sends,
     * except for the one unfinished frame at the end.
     */
    private static final long ALLOCATION_PER_RECEIVED_BYTE = 6;

    private record Frame(byte type, byte[] payload) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Frame other && type == other.type && Arrays.equals(payload, other.payload);
        }

        @Override
        public int hashCode() {
            return type;
        }

        @Override
        public String toString() {
            return "frame 0x" + Integer.toHexString(type & 0xFF) + " of " + payload.length + " bytes";
        }
    }

    /** What a connection does with a frame header (the relay's own rules, simplified to length bounds). */
    private static FrameReader.Disposition decide(byte type, long length) throws ProtocolViolationException {
        long max = switch (type) {
            case FrameType.CLIENT_INFO -> Protocol.MAX_CLIENT_INFO_LENGTH;
            case FrameType.SEND_PACKET, FrameType.FORWARD_PACKET, FrameType.NOTE_PREFERRED, FrameType.PING,
                    FrameType.WATCH_CONNS, FrameType.CLOSE_PEER -> MAX_KNOWN_FRAME;
            default -> -1;
        };
        if (max < 0) {
            return FrameReader.Disposition.SKIP;
        }
        if (length > max) {
            throw new ProtocolViolationException(ProtocolError.FRAME_LENGTH, length + " bytes");
        }
        return FrameReader.Disposition.DELIVER;
    }

    @FuzzTest
    void frameStream(byte[] input) throws Exception {
        Expected expected = walk(input);
        TrackingAllocator alloc = new TrackingAllocator();
        List<Frame> delivered = new ArrayList<>();
        FrameReader[] self = new FrameReader[1];
        FrameReader reader = new FrameReader(alloc, new FrameReader.Sink() {
            @Override
            public FrameReader.Disposition onHeader(byte type, long length) throws ProtocolViolationException {
                return decide(type, length);
            }

            @Override
            public void onFrame(byte type, ByteBuf buffer, int offset, int length) {
                delivered.add(new Frame(type, ByteBufUtil.getBytes(buffer, offset, length)));
                if ((length & 3) == 1) {
                    self[0].suspend(); // as a connection does while admitting a client
                }
            }
        });
        self[0] = reader;
        boolean refused = false;
        try {
            for (byte[] read : FuzzStreams.reads(input)) {
                reader.feed(alloc.copyOf(read));
                while (reader.isSuspended()) {
                    reader.resume();
                }
            }
        } catch (ProtocolViolationException e) {
            refused = true;
        }
        assertThat(delivered).as("frames delivered").isEqualTo(expected.frames);
        assertThat(refused).as("refused a frame header").isEqualTo(expected.refused);
        if (!refused) {
            assertThat(reader.bufferedBytes()).as("bytes held for an unfinished frame")
                    .isEqualTo(expected.unfinishedBytes);
        }
        assertThat(alloc.allocatedBytes()).as("bytes allocated for %d received", input.length)
                .isLessThanOrEqualTo(ALLOCATION_PER_RECEIVED_BYTE * input.length + Protocol.FRAME_HEADER_LENGTH
                        + Protocol.MAX_CLIENT_INFO_LENGTH);
        reader.release();
        assertThat(alloc.unreleased()).as("buffers still referenced").isEmpty();

        if (input.length > 0) {
            assertFramedPayloadReadsBack(input[0], input);
        }
    }

    /** The frames in {@code input} by the protocol's definition, without the reader's buffering. */
    private record Expected(List<Frame> frames, boolean refused, int unfinishedBytes) {
    }

    private static Expected walk(byte[] input) {
        List<Frame> frames = new ArrayList<>();
        int position = 0;
        while (input.length - position >= Protocol.FRAME_HEADER_LENGTH) {
            byte type = input[position];
            long length = ((input[position + 1] & 0xFFL) << 24) | ((input[position + 2] & 0xFF) << 16)
                    | ((input[position + 3] & 0xFF) << 8) | (input[position + 4] & 0xFF);
            FrameReader.Disposition disposition;
            try {
                disposition = decide(type, length);
            } catch (ProtocolViolationException e) {
                return new Expected(frames, true, 0);
            }
            long end = position + Protocol.FRAME_HEADER_LENGTH + length;
            if (disposition == FrameReader.Disposition.SKIP) {
                if (end >= input.length) {
                    return new Expected(frames, false, 0);
                }
            } else if (end > input.length) {
                return new Expected(frames, false, input.length - position);
            } else {
                frames.add(new Frame(type, Arrays.copyOfRange(input, position + Protocol.FRAME_HEADER_LENGTH, (int) end)));
            }
            position = (int) end;
        }
        return new Expected(frames, false, input.length - position);
    }

    /** Encoder and reader agree: a frame built with {@link Frames#header} comes back whole, whatever its type. */
    private static void assertFramedPayloadReadsBack(byte type, byte[] payload) throws Exception {
        TrackingAllocator alloc = new TrackingAllocator();
        List<Frame> delivered = new ArrayList<>();
        FrameReader reader = new FrameReader(alloc, new FrameReader.Sink() {
            @Override
            public FrameReader.Disposition onHeader(byte t, long length) {
                return FrameReader.Disposition.DELIVER;
            }

            @Override
            public void onFrame(byte t, ByteBuf buffer, int offset, int length) {
                delivered.add(new Frame(t, ByteBufUtil.getBytes(buffer, offset, length)));
            }
        });
        ByteBuf frame = Frames.header(alloc, type, payload.length, Protocol.FRAME_HEADER_LENGTH + payload.length)
                .writeBytes(payload);
        byte[] encoded = ByteBufUtil.getBytes(frame);
        frame.release();
        for (byte[] read : FuzzStreams.reads(encoded)) {
            reader.feed(alloc.copyOf(read));
        }
        assertThat(delivered).containsExactly(new Frame(type, payload));
        assertThat(reader.bufferedBytes()).isZero();
        reader.release();
        assertThat(alloc.unreleased()).isEmpty();
    }
}

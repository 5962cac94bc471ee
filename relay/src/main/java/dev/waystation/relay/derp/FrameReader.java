package dev.waystation.relay.derp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Splits a DERP byte stream, arriving in arbitrary chunks, into frames. Complete frames are handed
 * out in place, as an offset and length into the received buffer (no copy, and no view object per
 * frame: this is the per-packet path); only a frame that straddles reads is copied, into
 * a pooled buffer that grows with the bytes actually received (never with what a header claims).
 * Frames the sink chooses to skip are never buffered. Nothing is held once the received bytes are
 * consumed, so an idle connection keeps no buffer. Not thread-safe: used on the connection's event loop.
 */
final class FrameReader {

    /** What the sink wants done with a frame whose header was just read. */
    enum Disposition {
        /** Buffer the payload and call {@link Sink#onFrame}. */
        DELIVER,
        /** Discard the payload without buffering it. */
        SKIP
    }

    interface Sink {
        /** Decides about a frame from its header; throws to close the connection. */
        Disposition onHeader(byte type, long length) throws ProtocolViolationException;

        /**
         * A complete frame: its payload is the {@code length} bytes at {@code offset} of {@code buffer}
         * (absolute indices; the buffer's own indices say nothing about the frame). Valid only during
         * the call: retain a slice to keep bytes. The sink may {@link FrameReader#suspend()} further delivery.
         */
        void onFrame(byte type, ByteBuf buffer, int offset, int length) throws ProtocolViolationException;
    }

    /** Unused room a kept partial frame may have before it is copied into a buffer of its own size. */
    private static final int COMPACT_SLACK = 1024;

    private final ByteBufAllocator alloc;
    private final Sink sink;
    private ByteBuf cumulation;
    private long skipRemaining;
    private boolean suspended;
    private boolean released;

    FrameReader(ByteBufAllocator alloc, Sink sink) {
        this.alloc = alloc;
        this.sink = sink;
    }

    /** Takes ownership of {@code in} and delivers every complete frame, unless suspended. */
    void feed(ByteBuf in) throws ProtocolViolationException {
        if (released) {
            in.release();
            return;
        }
        append(in);
        process();
    }

    /** Stops delivering frames after the current one; buffered bytes stay until {@link #resume()}. */
    void suspend() {
        suspended = true;
    }

    /** Delivers the frames buffered while suspended. */
    void resume() throws ProtocolViolationException {
        suspended = false;
        process();
    }

    boolean isSuspended() {
        return suspended;
    }

    /** Bytes received but not yet delivered (a partial frame, or frames held while suspended). */
    int bufferedBytes() {
        return cumulation == null ? 0 : cumulation.readableBytes();
    }

    /** Memory the reader holds between reads: the capacity of its buffer (what the receive budget charges). */
    int heldBytes() {
        return cumulation == null ? 0 : cumulation.capacity();
    }

    void release() {
        released = true;
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    private void append(ByteBuf in) {
        if (cumulation == null) {
            cumulation = in;
        } else if (in.readableBytes() <= cumulation.writableBytes()) {
            // Appending past the writer index never disturbs slices already handed out.
            cumulation.writeBytes(in);
            in.release();
        } else {
            ByteBuf merged = alloc.buffer(grownCapacity(cumulation.readableBytes() + in.readableBytes()));
            merged.writeBytes(cumulation).writeBytes(in);
            cumulation.release();
            in.release();
            cumulation = merged;
        }
    }

    /**
     * Room for {@code needed} received bytes. A frame whose header is known may get up to twice what
     * arrived (so a frame straddling reads is copied a few times at most), never the length its
     * header merely claims: a 256 KiB ClientInfo claim followed by 6 KiB holds about 12 KiB.
     */
    private int grownCapacity(int needed) {
        long frame = pendingFrameSize();
        return frame > needed ? (int) Math.min(frame, 2L * needed) : needed;
    }

    /** Full size of the frame at the reader index (header included), or 0 while its header is incomplete. */
    private long pendingFrameSize() {
        if (cumulation.readableBytes() < Protocol.FRAME_HEADER_LENGTH) {
            return 0;
        }
        return Protocol.FRAME_HEADER_LENGTH + cumulation.getUnsignedInt(cumulation.readerIndex() + 1);
    }

    /**
     * After a read leaves a partial frame: keep it in a buffer sized for what arrived rather than in the
     * (up to 32 KiB) receive buffer, which a view or a mostly consumed buffer would otherwise pin.
     */
    private void compact() {
        int readable = cumulation.readableBytes();
        if (cumulation.unwrap() == null && cumulation.capacity() <= 2L * readable + COMPACT_SLACK) {
            return;
        }
        ByteBuf kept = alloc.buffer(grownCapacity(readable));
        kept.writeBytes(cumulation);
        cumulation.release();
        cumulation = kept;
    }

    private void process() throws ProtocolViolationException {
        while (cumulation != null && !suspended && !released) {
            if (skipRemaining > 0) {
                int n = (int) Math.min(skipRemaining, cumulation.readableBytes());
                cumulation.skipBytes(n);
                skipRemaining -= n;
            } else if (cumulation.readableBytes() >= Protocol.FRAME_HEADER_LENGTH) {
                int start = cumulation.readerIndex();
                byte type = cumulation.getByte(start);
                long length = cumulation.getUnsignedInt(start + 1);
                Disposition disposition = sink.onHeader(type, length);
                if (disposition == Disposition.SKIP) {
                    cumulation.skipBytes(Protocol.FRAME_HEADER_LENGTH);
                    skipRemaining = length;
                } else if (cumulation.readableBytes() - Protocol.FRAME_HEADER_LENGTH >= length) {
                    cumulation.skipBytes(Protocol.FRAME_HEADER_LENGTH);
                    ByteBuf buffer = cumulation;
                    int payloadStart = buffer.readerIndex();
                    // Consumed before the call: the sink may re-enter (resume) or release the reader.
                    buffer.readerIndex(payloadStart + (int) length);
                    sink.onFrame(type, buffer, payloadStart, (int) length);
                } else {
                    break;
                }
            } else {
                break;
            }
            if (cumulation != null && !cumulation.isReadable()) {
                cumulation.release();
                cumulation = null;
            }
        }
        if (cumulation != null && !released) {
            compact();
        }
    }
}

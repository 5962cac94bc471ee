package dev.waystation.relay.derp;

import io.netty.buffer.ByteBuf;

/**
 * Coalesces the RecvPacket frames one drain writes into a few pooled buffers of up to
 * {@link #MAX_BUFFER_BYTES}, each handed to the transport when full or when the drain round ends.
 * One buffer per many frames, rather than a header buffer and a packet view per frame, is what keeps
 * the write path cheap: one outbound entry and one iovec per buffer, a TLS record per 16 KiB, and the
 * received buffer freed as soon as its packets are copied (the kernel would copy them anyway).
 * Event loop only.
 */
final class RecvPacketBatch {

    /** Largest coalescing buffer: sizes up to 32 KiB come from the event loop's own buffer cache. */
    static final int MAX_BUFFER_BYTES = 32 * 1024;

    private final DerpTransport transport;
    private ByteBuf out;
    /** Frame bytes announced by {@link #expect} and not yet appended: sizes the next buffer. */
    private int expectedBytes;

    RecvPacketBatch(DerpTransport transport) {
        this.transport = transport;
    }

    /** {@code packets} packets of {@code bytes} in total follow. */
    void expect(int packets, int bytes) {
        expectedBytes += packets * Frames.RECV_PACKET_HEADER_LENGTH + bytes;
    }

    /** Appends one RecvPacket frame; {@code packet} stays the caller's. */
    void append(NodeKey source, ByteBuf packet, int offset, int length) {
        int frameBytes = Frames.RECV_PACKET_HEADER_LENGTH + length;
        if (out != null && out.writableBytes() < frameBytes) {
            writeOut();
        }
        if (out == null) {
            int capacity = Math.max(frameBytes, Math.min(MAX_BUFFER_BYTES, expectedBytes));
            out = transport.alloc().directBuffer(capacity, capacity);
        }
        Frames.writeRecvPacket(out, source, packet, offset, length);
        expectedBytes -= frameBytes;
    }

    /** Hands what was appended to the transport (not flushed). */
    void finish() {
        if (out != null) {
            writeOut();
        }
        expectedBytes = 0;
    }

    /** Drops what was appended and not handed on (the connection is closing). */
    void release() {
        if (out != null) {
            out.release();
            out = null;
        }
        expectedBytes = 0;
    }

    private void writeOut() {
        ByteBuf full = out;
        out = null;
        transport.write(full);
    }
}

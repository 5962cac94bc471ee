package dev.waystation.relay.testing;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * An allocator that remembers every buffer it hands out, so a fuzz target can check that a parser
 * released what it allocated and what it was given: a leak shows as a buffer whose reference count
 * is still positive when the parser is done, a double release as Netty's
 * {@code IllegalReferenceCountException}.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {

    private final List<ByteBuf> allocated = new ArrayList<>();

    public TrackingAllocator() {
        super(true);
    }

    /** A direct buffer holding {@code bytes}, tracked like every other allocation. */
    public ByteBuf copyOf(byte[] bytes) {
        return directBuffer(Math.max(1, bytes.length)).writeBytes(bytes);
    }

    /** Buffers still referenced; empty once everything was released. */
    public List<ByteBuf> unreleased() {
        return allocated.stream().filter(buffer -> buffer.refCnt() > 0).toList();
    }

    /** Total capacity handed out, to bound how much a parser reserves for what it received. */
    public long allocatedBytes() {
        return allocated.stream().mapToLong(ByteBuf::capacity).sum();
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(Unpooled.buffer(initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(Unpooled.directBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    private ByteBuf track(ByteBuf buffer) {
        allocated.add(buffer);
        return buffer;
    }
}

package dev.waystation.relay.derp;

import io.netty.buffer.ByteBuf;

/**
 * A bounded FIFO of packets waiting for one destination connection, filled by any sender's event
 * loop and drained by the destination's. A packet is a range of a received buffer, queued with one
 * reference to that buffer: no view object per packet. Entries live in parallel arrays, so queueing a
 * packet allocates nothing. When full, the oldest packet makes room (derper's head drop); a closed
 * queue refuses everything. The lock is held for a few field writes: once per offer, once per drain.
 */
final class PacketQueue {

    /** {@link #offer} result: the packet is queued and nothing was dropped. */
    static final int QUEUED = -1;
    /** {@link #offer} result: the queue is closed; the packet was released. */
    static final int CLOSED = -2;

    private final int capacity;
    /** Allocated on the first packet, so an idle connection holds no queue arrays. */
    private ByteBuf[] buffers;
    private int[] offsets;
    private int[] lengths;
    private NodeKey[] sources;
    private long[] enqueuedAt;
    private int head;
    private int size;
    private boolean closed;
    /** What one drain took out under the lock, handed on after it; used by the draining event loop only. */
    private Batch taken;

    PacketQueue(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Queues the {@code length} bytes at {@code offset} of {@code buffer}, taking over one reference
     * of it. Returns {@link #QUEUED}, {@link #CLOSED}, or (queue full) the length of the oldest packet,
     * dropped and released to make room.
     */
    int offer(NodeKey source, ByteBuf buffer, int offset, int length, long nowNanos) {
        ByteBuf released;
        int result;
        synchronized (this) {
            if (closed) {
                released = buffer;
                result = CLOSED;
            } else {
                if (buffers == null) {
                    buffers = new ByteBuf[capacity];
                    offsets = new int[capacity];
                    lengths = new int[capacity];
                    sources = new NodeKey[capacity];
                    enqueuedAt = new long[capacity];
                }
                released = null;
                result = QUEUED;
                if (size == capacity) {
                    released = buffers[head];
                    result = lengths[head];
                    buffers[head] = null;
                    sources[head] = null;
                    head = (head + 1) % capacity;
                    size--;
                }
                int tail = (head + size) % capacity;
                buffers[tail] = buffer;
                offsets[tail] = offset;
                lengths[tail] = length;
                sources[tail] = source;
                enqueuedAt[tail] = nowNanos;
                size++;
            }
        }
        if (released != null) {
            released.release();
        }
        return result;
    }

    /** Whether the next {@link #offer} would drop the oldest packet to make room. */
    synchronized boolean isFull() {
        return size == capacity;
    }

    /** Receives drained packets. */
    interface Consumer {
        /**
         * Called once per {@link #drain} before its packets: how many follow and their total length,
         * so a writer can size one buffer for all of them.
         */
        default void expect(int packets, int bytes) {
        }

        /** One packet: the {@code length} bytes at {@code offset} of {@code buffer}; the consumer owns one reference. */
        void accept(NodeKey source, ByteBuf buffer, int offset, int length, long enqueuedAtNanos);
    }

    /**
     * Hands at most {@code max} packets to {@code consumer} in FIFO order; returns how many. Should the
     * consumer throw, the packets not yet handed on are released (they count as handed on).
     */
    int drain(int max, Consumer consumer) {
        Batch batch;
        int n;
        int bytes = 0;
        synchronized (this) {
            n = Math.min(max, size);
            if (n == 0) {
                return 0;
            }
            // Taken out while in use: a drain re-entered from the consumer (a close) gets its own.
            batch = taken != null ? taken : new Batch(capacity);
            taken = null;
            for (int i = 0; i < n; i++) {
                batch.buffers[i] = buffers[head];
                batch.offsets[i] = offsets[head];
                batch.lengths[i] = lengths[head];
                batch.sources[i] = sources[head];
                batch.enqueuedAt[i] = enqueuedAt[head];
                bytes += lengths[head];
                buffers[head] = null;
                sources[head] = null;
                head = (head + 1) % capacity;
            }
            size -= n;
        }
        int i = 0;
        try {
            consumer.expect(n, bytes);
            for (; i < n; i++) {
                ByteBuf buffer = batch.buffers[i];
                NodeKey source = batch.sources[i];
                batch.buffers[i] = null;
                batch.sources[i] = null;
                consumer.accept(source, buffer, batch.offsets[i], batch.lengths[i], batch.enqueuedAt[i]);
            }
        } finally {
            for (; i < n; i++) {
                if (batch.buffers[i] != null) {
                    batch.buffers[i].release();
                    batch.buffers[i] = null;
                }
                batch.sources[i] = null;
            }
            taken = batch;
        }
        return n;
    }

    synchronized boolean isEmpty() {
        return size == 0;
    }

    /** Refuses further packets and hands every queued one to {@code consumer} (to be counted and released). */
    void close(Consumer consumer) {
        synchronized (this) {
            closed = true;
        }
        while (drain(capacity, consumer) > 0) {
            // a drain takes at most the capacity; nothing is added once closed
        }
    }

    /** The drain's copy of the entries it took: the ring may refill while they are handed on. */
    private static final class Batch {
        final ByteBuf[] buffers;
        final int[] offsets;
        final int[] lengths;
        final NodeKey[] sources;
        final long[] enqueuedAt;

        Batch(int capacity) {
            buffers = new ByteBuf[capacity];
            offsets = new int[capacity];
            lengths = new int[capacity];
            sources = new NodeKey[capacity];
            enqueuedAt = new long[capacity];
        }
    }
}

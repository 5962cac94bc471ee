package dev.waystation.relay.derp;

import io.netty.buffer.ByteBuf;

/**
 * A bounded FIFO of packets waiting for one destination connection, filled by any sender's event
 * loop and drained by the destination's. Entries live in parallel arrays, so queueing a packet
 * allocates nothing. When full, the oldest packet makes room (derper's head drop); a closed queue
 * refuses everything. The lock is held for a few field writes only.
 */
final class PacketQueue {

    /** Returned by {@link #offer} when the queue is closed; the caller still owns the packet. */
    static final Object CLOSED = new Object();

    private final int capacity;
    /** Allocated on the first packet, so an idle connection holds no queue arrays. */
    private ByteBuf[] packets;
    private NodeKey[] sources;
    private long[] enqueuedAt;
    private int head;
    private int size;
    private boolean closed;

    PacketQueue(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Queues {@code packet}, taking ownership. Returns null, or the evicted oldest packet (now owned
     * by the caller, to count and release) when the queue was full, or {@link #CLOSED}.
     */
    synchronized Object offer(NodeKey source, ByteBuf packet, long nowNanos) {
        if (closed) {
            return CLOSED;
        }
        if (packets == null) {
            packets = new ByteBuf[capacity];
            sources = new NodeKey[capacity];
            enqueuedAt = new long[capacity];
        }
        ByteBuf evicted = null;
        if (size == capacity) {
            evicted = packets[head];
            packets[head] = null;
            sources[head] = null;
            head = (head + 1) % capacity;
            size--;
        }
        int tail = (head + size) % capacity;
        packets[tail] = packet;
        sources[tail] = source;
        enqueuedAt[tail] = nowNanos;
        size++;
        return evicted;
    }

    /** Receives drained packets. */
    interface Consumer {
        void accept(NodeKey source, ByteBuf packet, long enqueuedAtNanos);
    }

    /** Hands at most {@code max} packets to {@code consumer} in FIFO order; returns how many. */
    int drain(int max, Consumer consumer) {
        int n = 0;
        while (n < max) {
            NodeKey source;
            ByteBuf packet;
            long at;
            synchronized (this) {
                if (size == 0) {
                    break;
                }
                packet = packets[head];
                source = sources[head];
                at = enqueuedAt[head];
                packets[head] = null;
                sources[head] = null;
                head = (head + 1) % capacity;
                size--;
            }
            consumer.accept(source, packet, at);
            n++;
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
        drain(Integer.MAX_VALUE, consumer);
    }
}

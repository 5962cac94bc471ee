package dev.waystation.relay.derp;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;

/**
 * The byte pipe one DERP connection runs over: the raw socket after an HTTP upgrade
 * ({@link NetSocketTransport}) or the binary messages of a WebSocket. Every method is called on
 * {@link #eventLoop()}; the transport feeds received bytes to the {@link Inbound} it was given.
 */
public interface DerpTransport {

    /** Receives what the transport reads; called on the transport's event loop. */
    interface Inbound {
        /** Bytes of the DERP stream, in order, in arbitrary chunks; ownership passes to the callee. */
        void onBytes(ByteBuf bytes);

        /** The transport closed (peer EOF, error, or {@link DerpTransport#close()}); called once. */
        void onClosed();
    }

    EventLoop eventLoop();

    ByteBufAllocator alloc();

    /** Queues bytes for sending without flushing; takes ownership of {@code bytes}. */
    void write(ByteBuf bytes);

    /** Sends everything queued by {@link #write}. */
    void flush();

    /** False while the outbound buffer is above its high-water mark; then wait for {@link #onWritable}. */
    boolean isWritable();

    /** Called on the event loop each time the transport turns writable again. */
    void onWritable(Runnable callback);

    /** Starts delivering bytes to {@code inbound}. */
    void start(Inbound inbound);

    /** Pauses (false) or resumes (true) reading from the peer; TCP back-pressure does the rest. */
    void setReading(boolean reading);

    InetSocketAddress remoteAddress();

    boolean isOpen();

    void close();
}

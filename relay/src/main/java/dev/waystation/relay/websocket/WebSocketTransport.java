package dev.waystation.relay.websocket;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.EventLoop;
import dev.waystation.relay.derp.DerpTransport;
import dev.waystation.relay.metrics.TransportMetrics;

/**
 * DERP over WebSocket binary messages (message boundaries carry no meaning), layered on the raw socket's transport: inbound
 * frames are decoded and their binary payload streamed to DERP; outbound DERP bytes queued by
 * {@link #write} become binary messages of at most {@link WebSocketFrames#MAX_MESSAGE_PAYLOAD} bytes
 * on {@link #flush}. Pings are answered, a close is echoed, and any protocol error closes the socket
 * with its status code.
 *
 * <p>Pongs are written only while the socket is writable: at most one waits, reading stops while it
 * does, and pings arriving meanwhile are ignored (counted), so a client that pings and never reads
 * holds one pong and the socket's outbound buffer, nothing more.
 */
public final class WebSocketTransport implements DerpTransport {

    /** Status derper's WebSocket handler closes with when the DERP connection ends. */
    static final int CLOSE_ON_END = 1011;
    static final String CLOSE_ON_END_REASON = "closing";

    private final DerpTransport raw;
    private final ByteBuf leftover;
    private final TransportMetrics metrics;
    private CompositeByteBuf pending;
    private boolean closeSent;
    /** The payload of the pong waiting for a writable socket, or null. */
    private ByteBuf pongWaiting;
    private boolean derpReading = true;
    private Runnable derpWritable;

    /**
     * @param leftover WebSocket bytes that arrived with the handshake request (owned by this transport)
     * @param metrics where pings ignored while a pong waits, and allocation failures, are counted
     */
    public WebSocketTransport(DerpTransport raw, ByteBuf leftover, TransportMetrics metrics) {
        this.raw = raw;
        this.leftover = leftover;
        this.metrics = metrics;
    }

    @Override
    public EventLoop eventLoop() {
        return raw.eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return raw.alloc();
    }

    @Override
    public void write(ByteBuf bytes) {
        if (pending == null) {
            pending = raw.alloc().compositeBuffer(Integer.MAX_VALUE);
        }
        pending.addComponent(true, bytes);
    }

    @Override
    public void flush() {
        CompositeByteBuf out = pending;
        pending = null;
        if (out != null) {
            while (out.isReadable()) {
                int length = Math.min(out.readableBytes(), WebSocketFrames.MAX_MESSAGE_PAYLOAD);
                raw.write(WebSocketFrames.binaryHeader(raw.alloc(), length));
                raw.write(out.readRetainedSlice(length));
            }
            out.release();
        }
        raw.flush();
    }

    @Override
    public boolean isWritable() {
        return raw.isWritable();
    }

    @Override
    public void onWritable(Runnable callback) {
        derpWritable = callback;
    }

    private void rawWritable() {
        if (pongWaiting != null && raw.isWritable()) {
            ByteBuf payload = pongWaiting;
            pongWaiting = null;
            raw.write(WebSocketFrames.pong(raw.alloc(), payload));
            raw.flush();
            applyReading();
        }
        if (derpWritable != null) {
            derpWritable.run();
        }
    }

    private void onPing(ByteBuf payload) {
        if (pongWaiting != null) {
            metrics.webSocketPingsIgnored.increment();
            payload.release();
        } else if (raw.isWritable()) {
            raw.write(WebSocketFrames.pong(raw.alloc(), payload));
            raw.flush();
        } else {
            pongWaiting = payload;
            applyReading();
        }
    }

    /** Reads when DERP wants to and no pong waits for the client to read. */
    private void applyReading() {
        raw.setReading(derpReading && pongWaiting == null);
    }

    @Override
    public void start(Inbound inbound) {
        WebSocketFrameDecoder decoder = new WebSocketFrameDecoder(new WebSocketFrameDecoder.Sink() {
            @Override
            public void onBinary(ByteBuf payload) {
                inbound.onBytes(payload);
            }

            @Override
            public void onPing(ByteBuf payload) {
                WebSocketTransport.this.onPing(payload);
            }

            @Override
            public void onClose(int code, String reason) {
                closeWith(code == WebSocketFrameDecoder.CLOSE_NO_STATUS ? WebSocketFrameDecoder.CLOSE_NORMAL : code, "");
            }

            @Override
            public void onProtocolError(int closeCode, String message) {
                closeWith(closeCode, message);
            }
        });
        raw.onWritable(this::rawWritable);
        raw.start(new Inbound() {
            @Override
            public void onBytes(ByteBuf bytes) {
                try {
                    decoder.decode(bytes);
                } catch (OutOfMemoryError e) {
                    // An allocation for this connection failed (a pong): it alone is closed.
                    metrics.outOfMemoryCloses.increment();
                    raw.close();
                }
            }

            @Override
            public void onClosed() {
                if (pending != null) {
                    pending.release();
                    pending = null;
                }
                if (pongWaiting != null) {
                    pongWaiting.release();
                    pongWaiting = null;
                }
                inbound.onClosed();
            }
        });
        if (leftover != null) {
            decoder.decode(leftover);
        }
    }

    private void closeWith(int code, String reason) {
        if (!closeSent && raw.isOpen()) {
            closeSent = true;
            raw.write(WebSocketFrames.close(raw.alloc(), code, reason));
            raw.flush();
        }
        raw.close();
    }

    @Override
    public void setReading(boolean reading) {
        derpReading = reading;
        applyReading();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return raw.remoteAddress();
    }

    @Override
    public boolean isOpen() {
        return raw.isOpen();
    }

    @Override
    public void close() {
        closeWith(CLOSE_ON_END, CLOSE_ON_END_REASON);
    }
}

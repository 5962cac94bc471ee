package dev.waystation.relay.derp;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * DERP over the raw TCP (or TLS) socket left after the HTTP upgrade. Reads arrive as Netty's pooled
 * buffers through {@link NetSocketInternal#messageHandler} (no copy); writes go straight to the
 * channel and are flushed once per batch. Also the carrier under DERP over WebSocket.
 */
public final class NetSocketTransport implements DerpTransport {

    private final NetSocketInternal socket;
    private final ChannelHandlerContext context;
    private final Channel channel;

    public NetSocketTransport(NetSocketInternal socket) {
        this.socket = socket;
        this.context = socket.channelHandlerContext();
        this.channel = context.channel();
    }

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    @Override
    public void write(ByteBuf bytes) {
        context.write(bytes, context.voidPromise());
    }

    @Override
    public void flush() {
        context.flush();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void onWritable(Runnable callback) {
        socket.drainHandler(v -> callback.run());
    }

    @Override
    public void start(Inbound inbound) {
        socket.messageHandler(message -> {
            if (message instanceof ByteBuf bytes) {
                inbound.onBytes(bytes);
            } else {
                ReferenceCountUtil.release(message);
            }
        });
        socket.closeHandler(v -> inbound.onClosed());
    }

    @Override
    public void setReading(boolean reading) {
        channel.config().setAutoRead(reading);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        SocketAddress address = channel.remoteAddress();
        return address instanceof InetSocketAddress inet ? inet : null;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        channel.close();
    }
}

package dev.waystation.relay.stun;

import java.net.Inet4Address;
import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/**
 * The per-socket hot path, on the socket's event loop: classify the pooled receive buffer in place,
 * turn an answerable request into its response inside that same buffer, queue it, and flush every
 * {@value #REPLIES_PER_FLUSH} replies and at the end of each read batch. Beyond what Netty allocates per datagram (its envelope and the sender's address)
 * this adds only the reply's envelope, plus the JDK's 16-byte address copy for IPv6 clients; the
 * pooled buffer goes back to the pool after the send or, for drops, at once.
 */
final class StunChannelHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(StunChannelHandler.class);

    /**
     * Replies queued before they go out in one write (sendmmsg with epoll), inside a read batch that
     * may hold hundreds of requests: a client with many requests in flight gets its first answers
     * while the server still reads, instead of all of them after the whole batch, so the two overlap.
     */
    static final int REPLIES_PER_FLUSH = 16;

    private final StunMetrics metrics;
    private final BooleanSupplier answerAllClients;
    private int repliesPending;
    private boolean flushing;

    StunChannelHandler(StunMetrics metrics, BooleanSupplier answerAllClients) {
        this.metrics = metrics;
        this.answerAllClients = answerAllClients;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ByteBuf datagram = packet.content();
        // An IPv6 sender may get the longer reply (IPv4-mapped ones too, rarely): assume it does.
        int responseLength = packet.sender().getAddress() instanceof Inet4Address
                ? StunWire.IPV4_RESPONSE_LENGTH : StunWire.MAX_RESPONSE_LENGTH;
        Verdict verdict = BindingRequests.classify(datagram, answerAllClients.getAsBoolean(), responseLength);
        if (verdict != Verdict.ANSWER) {
            metrics.dropped(verdict);
            packet.release();
            return;
        }
        ByteBuf reply = datagram;
        // Received buffers are sized for the largest datagram; a slice (recvmmsg) may be too small.
        if (reply.capacity() - reply.readerIndex() < StunWire.MAX_RESPONSE_LENGTH || reply.isReadOnly()) {
            reply = ctx.alloc().directBuffer(StunWire.MAX_RESPONSE_LENGTH);
            reply.writeBytes(datagram, datagram.readerIndex(), StunWire.HEADER_LENGTH);
            packet.release();
        }
        boolean ipv4 = BindingResponse.writeInPlace(reply, packet.sender());
        ctx.write(new DatagramPacket(reply, packet.sender()), ctx.voidPromise());
        metrics.answered(ipv4);
        if (++repliesPending == REPLIES_PER_FLUSH) {
            flush(ctx);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (repliesPending > 0) {
            flush(ctx);
        }
    }

    private void flush(ChannelHandlerContext ctx) {
        repliesPending = 0;
        flushing = true;
        try {
            ctx.flush();
        } finally {
            flushing = false;
        }
    }

    /** Failed sends surface here (void promises) while flushing; anything else is a receive error. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (flushing) {
            metrics.writeError();
        } else {
            metrics.readError();
        }
        LOG.debugf("STUN socket %s: %s", ctx.channel().localAddress(), cause.toString());
    }
}

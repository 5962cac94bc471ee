package dev.waystation.relay.stun;

import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

/**
 * The per-socket hot path, on the socket's event loop: classify the pooled receive buffer in place,
 * turn an answerable request into its response inside that same buffer, queue it, and flush once
 * per read batch. Nothing is allocated here but the reply's envelope; the buffer goes back to the
 * pool after the send or, for drops, at once.
 */
final class StunChannelHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(StunChannelHandler.class);

    private final StunMetrics metrics;
    private final BooleanSupplier answerAllClients;
    private boolean repliesPending;
    private boolean flushing;

    StunChannelHandler(StunMetrics metrics, BooleanSupplier answerAllClients) {
        this.metrics = metrics;
        this.answerAllClients = answerAllClients;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        ByteBuf datagram = packet.content();
        Verdict verdict = BindingRequests.classify(datagram, answerAllClients.getAsBoolean());
        if (verdict != Verdict.ANSWER) {
            metrics.dropped(verdict);
            packet.release();
            return;
        }
        boolean ipv4 = BindingResponse.isIpv4(packet.sender().getAddress());
        int needed = BindingResponse.length(packet.sender().getAddress());
        ByteBuf reply = datagram;
        // Received buffers are sized for the largest datagram; a slice (recvmmsg) may be too small.
        if (reply.capacity() - reply.readerIndex() < needed || reply.isReadOnly()) {
            reply = ctx.alloc().directBuffer(needed);
            reply.writeBytes(datagram, datagram.readerIndex(), StunWire.HEADER_LENGTH);
            packet.release();
        }
        BindingResponse.writeInPlace(reply, packet.sender());
        ctx.write(new DatagramPacket(reply, packet.sender()), ctx.voidPromise());
        repliesPending = true;
        metrics.answered(ipv4);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (repliesPending) {
            repliesPending = false;
            flushing = true;
            try {
                ctx.flush();
            } finally {
                flushing = false;
            }
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

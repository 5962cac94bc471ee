package dev.waystation.relay.derp;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.waystation.relay.metrics.ProtocolError;
import dev.waystation.relay.metrics.TransportMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * A fresh TCP connection on a relay listener: reads HTTP request heads with full byte control and
 * routes each one: {@code /derp} with {@code Upgrade: DERP} becomes a DERP connection (101 or, for
 * fast start, no HTTP response at all; bytes after the head are kept), a DERP WebSocket goes to
 * {@link WebSocketUpgrade}, everything else to {@link HttpEndpoints}.
 *
 * <p>Bounded by design: a complete head must arrive within the head timeout (from accept, and again
 * after each answered keep-alive request); pipelined requests are answered one after another in a
 * loop (never by recursion), and reading stops while {@link RelayConfig#httpPipelineDepth()}
 * responses are unsent or the socket is not writable; the received bytes held here are charged to
 * the handshake receive budget.
 */
final class ListenerConnection {

    private static final Logger LOG = Logger.getLogger(ListenerConnection.class);

    private enum State {
        READING_HEAD, ANSWERING, HANDED_OVER
    }

    private final DerpServer server;
    private final ListenerSpec listener;
    private final NetSocketInternal socket;
    private final Channel channel;
    private final HttpHeadParser parser;
    private final ReceiveBudget.Account budget;
    private final TransportMetrics metrics;
    private final int pipelineDepth;
    private State state = State.READING_HEAD;
    /** Received bytes not yet given to the parser (pipelined requests, bytes that came while answering). */
    private ByteBuf held;
    /** Responses handed to the socket that it has not yet written. */
    private int unsentResponses;
    private boolean pumping;
    private boolean pausedForClient;
    private ScheduledFuture<?> headTimer;

    ListenerConnection(DerpServer server, ListenerSpec listener, NetSocketInternal socket) {
        this.server = server;
        this.listener = listener;
        this.socket = socket;
        this.channel = socket.channelHandlerContext().channel();
        this.parser = new HttpHeadParser(channel.alloc(), listener.name(), listener.tls());
        this.budget = server.receiveBudget().open();
        this.metrics = server.transportMetrics();
        this.pipelineDepth = server.config().httpPipelineDepth();
    }

    void start() {
        socket.exceptionHandler(e -> LOG.debugf("listener %s connection %s: %s", listener.name(),
                channel.remoteAddress(), e.toString()));
        socket.closeHandler(v -> release());
        socket.drainHandler(v -> resumeIfClientCaughtUp());
        socket.messageHandler(this::onMessage);
        armHeadTimer();
    }

    private void onMessage(Object message) {
        if (!(message instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (state == State.HANDED_OVER) {
            bytes.release();
            return;
        }
        try {
            hold(bytes);
            pump();
        } catch (OutOfMemoryError e) {
            metrics.outOfMemoryCloses.increment();
            LOG.warnf("listener %s connection %s: closing: out of memory (%s)", listener.name(),
                    channel.remoteAddress(), e.getMessage());
            handOver();
            channel.close();
        }
    }

    private void hold(ByteBuf bytes) {
        if (held == null) {
            held = bytes;
        } else {
            ByteBuf merged = channel.alloc().buffer(held.readableBytes() + bytes.readableBytes());
            merged.writeBytes(held).writeBytes(bytes);
            held.release();
            bytes.release();
            held = merged;
        }
    }

    /**
     * Parses and answers what is held, one request after another, until a head is incomplete, an
     * answer is pending, the connection is handed over, or the client must read first.
     */
    private void pump() {
        if (pumping) {
            return; // a response written inside the loop: the loop itself goes on
        }
        pumping = true;
        try {
            while (state == State.READING_HEAD && held != null) {
                if (!clientCaughtUp()) {
                    pauseForClient();
                    break;
                }
                ByteBuf next = held;
                held = null;
                if (!next.isReadable()) {
                    next.release();
                    break;
                }
                parse(next);
            }
        } finally {
            pumping = false;
        }
        if (state == State.HANDED_OVER) {
            return;
        }
        if (held != null && held.readableBytes() > HttpHeadParser.MAX_HEAD_LENGTH) {
            // Bytes pile up while a request is answered or the client is behind: wait in the socket.
            channel.config().setAutoRead(false);
        }
        if (!budget.hold(parser.heldBytes() + (held == null ? 0 : held.capacity()))) {
            LOG.debugf("listener %s: receive budget for handshakes exhausted, closing %s", listener.name(),
                    channel.remoteAddress());
            handOver();
            channel.close();
        }
    }

    private boolean clientCaughtUp() {
        return unsentResponses < pipelineDepth && channel.isWritable();
    }

    private void pauseForClient() {
        if (!pausedForClient) {
            pausedForClient = true;
            metrics.pipelinePauses.increment();
            channel.config().setAutoRead(false);
        }
    }

    /** The socket took a response or turned writable: answer what waits if the client has caught up. */
    private void resumeIfClientCaughtUp() {
        if (state == State.HANDED_OVER || !pausedForClient || !clientCaughtUp()) {
            return;
        }
        pausedForClient = false;
        channel.config().setAutoRead(true);
        pump();
    }

    private void parse(ByteBuf bytes) {
        HttpHeadParser.Result result;
        try {
            result = parser.offer(bytes, remoteAddress());
        } catch (HttpHeadParser.MalformedRequestException e) {
            server.metrics().protocolError(ProtocolError.BAD_HTTP_REQUEST);
            LOG.debugf("listener %s: %s from %s", listener.name(), e.getMessage(), channel.remoteAddress());
            handOver();
            rawResponse("400 Bad Request", e.getMessage());
            return;
        }
        if (result != null) {
            route(result.head(), result.rest());
        }
    }

    private void route(HttpRequestHead head, ByteBuf rest) {
        if (listener.servesDerp() && Protocol.DERP_PATH.equals(head.path())) {
            String upgrade = head.header("Upgrade");
            String lower = upgrade == null ? "" : upgrade.toLowerCase(Locale.ROOT);
            String subprotocol = head.header("Sec-WebSocket-Protocol");
            if (lower.equals("websocket") && subprotocol != null && subprotocol.contains("derp")) {
                handOver();
                server.webSocketUpgrade().upgrade(new HttpExchange(head, socket, this), rest);
                return;
            }
            if (lower.equals("derp") || lower.equals("websocket")) {
                handOver();
                upgradeToDerp(head, rest);
                return;
            }
            state = State.ANSWERING;
            held = rest;
            new HttpExchange(head, socket, this).respond(426, "DERP requires connection upgrade");
            return;
        }
        state = State.ANSWERING;
        held = rest;
        server.httpEndpoints().handle(new HttpExchange(head, socket, this));
    }

    /** The DERP (or WebSocket) connection takes over: its own handshake timer and budget apply from here. */
    private void handOver() {
        state = State.HANDED_OVER;
        cancelHeadTimer();
        parser.release();
        releaseHeld();
        budget.close();
        channel.config().setAutoRead(true);
    }

    private void upgradeToDerp(HttpRequestHead head, ByteBuf rest) {
        if (!"1".equals(head.header(Protocol.FAST_START_HEADER))) {
            String response = "HTTP/1.1 101 Switching Protocols\r\n"
                    + "Upgrade: DERP\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Derp-Version: " + Protocol.VERSION + "\r\n"
                    + "Derp-Public-Key: " + server.publicKey().toUntypedHex() + "\r\n"
                    + "\r\n";
            ByteBuf out = channel.alloc().buffer(response.length());
            out.writeCharSequence(response, StandardCharsets.ISO_8859_1);
            socket.channelHandlerContext().write(out, socket.channelHandlerContext().voidPromise());
        }
        server.accept(new NetSocketTransport(socket), head, rest);
    }

    /** Called by {@link HttpExchange#respond}: sends the response, then reads the next request or closes. */
    void respond(ByteBuf response, boolean keepAlive) {
        if (state == State.HANDED_OVER && keepAlive) {
            // A refused WebSocket handshake answers after the hand-over began: it ends the connection.
            keepAlive = false;
        }
        unsentResponses++;
        socket.writeMessage(response).onComplete(done -> {
            unsentResponses--;
            resumeIfClientCaughtUp();
        });
        if (!keepAlive) {
            handOver();
            socket.end();
            return;
        }
        state = State.READING_HEAD;
        armHeadTimer();
        channel.config().setAutoRead(!pausedForClient);
        pump();
    }

    private void armHeadTimer() {
        cancelHeadTimer();
        long timeout = server.config().headTimeout().toNanos();
        headTimer = channel.eventLoop().schedule(this::headTimedOut, timeout, TimeUnit.NANOSECONDS);
    }

    private void cancelHeadTimer() {
        if (headTimer != null) {
            headTimer.cancel(false);
            headTimer = null;
        }
    }

    private void headTimedOut() {
        headTimer = null;
        if (state == State.HANDED_OVER) {
            return;
        }
        metrics.headTimeouts.increment();
        LOG.debugf("listener %s: no complete request from %s in time, closing", listener.name(),
                channel.remoteAddress());
        handOver();
        channel.close();
    }

    private void rawResponse(String status, String text) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        ByteBuf out = channel.alloc().buffer(head.length() + body.length);
        out.writeCharSequence(head, StandardCharsets.ISO_8859_1);
        out.writeBytes(body);
        socket.writeMessage(out);
        socket.end();
    }

    private InetSocketAddress remoteAddress() {
        SocketAddress address = channel.remoteAddress();
        return address instanceof InetSocketAddress inet ? inet : null;
    }

    private void release() {
        cancelHeadTimer();
        parser.release();
        releaseHeld();
        budget.close();
    }

    private void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}

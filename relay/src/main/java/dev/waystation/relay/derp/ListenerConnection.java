package dev.waystation.relay.derp;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.jboss.logging.Logger;

import dev.waystation.relay.metrics.ProtocolError;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * A fresh TCP connection on a relay listener: reads HTTP request heads with full byte control and
 * routes each one: {@code /derp} with {@code Upgrade: DERP} becomes a DERP connection (101 or, for
 * fast start, no HTTP response at all; bytes after the head are kept), a DERP WebSocket goes to
 * {@link WebSocketUpgrade}, everything else to {@link HttpEndpoints}.
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
    private State state = State.READING_HEAD;
    /** Bytes that arrived while a request was being answered (a pipelined next request). */
    private ByteBuf held;

    ListenerConnection(DerpServer server, ListenerSpec listener, NetSocketInternal socket) {
        this.server = server;
        this.listener = listener;
        this.socket = socket;
        this.channel = socket.channelHandlerContext().channel();
        this.parser = new HttpHeadParser(channel.alloc(), listener.name(), listener.tls());
    }

    void start() {
        socket.exceptionHandler(e -> LOG.debugf("listener %s connection %s: %s", listener.name(),
                channel.remoteAddress(), e.toString()));
        socket.closeHandler(v -> release());
        socket.messageHandler(this::onMessage);
    }

    private void onMessage(Object message) {
        if (!(message instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(message);
            return;
        }
        switch (state) {
            case READING_HEAD -> parse(bytes);
            case ANSWERING -> hold(bytes);
            case HANDED_OVER -> bytes.release();
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
        if (held.readableBytes() > HttpHeadParser.MAX_HEAD_LENGTH) {
            // A client that floods while its request is answered is not speaking HTTP/1.1.
            channel.config().setAutoRead(false);
        }
    }

    private void parse(ByteBuf bytes) {
        HttpHeadParser.Result result;
        try {
            result = parser.offer(bytes, remoteAddress());
        } catch (HttpHeadParser.MalformedRequestException e) {
            server.metrics().protocolError(ProtocolError.BAD_HTTP_REQUEST);
            LOG.debugf("listener %s: %s from %s", listener.name(), e.getMessage(), channel.remoteAddress());
            state = State.HANDED_OVER;
            parser.release();
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
                state = State.HANDED_OVER;
                server.webSocketUpgrade().upgrade(new HttpExchange(head, socket, this), rest);
                return;
            }
            if (lower.equals("derp") || lower.equals("websocket")) {
                state = State.HANDED_OVER;
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

    /** Called by {@link HttpExchange#respond} once the response is written. */
    void responded(boolean keepAlive) {
        if (!keepAlive) {
            state = State.HANDED_OVER;
            releaseHeld();
            socket.end();
            return;
        }
        state = State.READING_HEAD;
        channel.config().setAutoRead(true);
        ByteBuf next = held;
        held = null;
        if (next != null && next.isReadable()) {
            parse(next);
        } else if (next != null) {
            next.release();
        }
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
        parser.release();
        releaseHeld();
    }

    private void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}

package dev.waystation.relay.websocket;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.netty.buffer.ByteBuf;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.impl.NetSocketInternal;
import dev.waystation.relay.derp.DerpServer;
import dev.waystation.relay.derp.HttpExchange;
import dev.waystation.relay.derp.HttpRequestHead;
import dev.waystation.relay.derp.NetSocketTransport;
import dev.waystation.relay.derp.WebSocketUpgrade;
import dev.waystation.relay.metrics.DerpMetrics;

/**
 * DERP over WebSocket on {@code /derp} (for browsers and proxies that pass only HTTP): the opening handshake selecting subprotocol
 * {@code derp}, then the ordinary DERP connection over a {@link WebSocketTransport}. A client that
 * did not offer {@code derp} as a subprotocol gets the handshake and then a 1008 close, as from derper.
 */
@ApplicationScoped
public class DerpWebSocketUpgrade implements WebSocketUpgrade {

    static final String NO_SUBPROTOCOL_REASON = "client must speak the derp subprotocol";

    private final DerpServer server;
    private final DerpMetrics metrics;

    DerpWebSocketUpgrade(DerpServer server, DerpMetrics metrics) {
        this.server = server;
        this.metrics = metrics;
    }

    @Override
    public void upgrade(HttpExchange exchange, ByteBuf leftover) {
        HttpRequestHead head = exchange.request();
        WebSocketHandshake.Outcome outcome = WebSocketHandshake.check(new HandshakeRequest(head));
        if (outcome instanceof WebSocketHandshake.Refused refused) {
            release(leftover);
            MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                    .add("Content-Type", "text/plain; charset=utf-8").add("X-Content-Type-Options", "nosniff");
            for (Map.Entry<String, String> header : refused.headers()) {
                headers.add(header.getKey(), header.getValue());
            }
            exchange.respond(refused.status(), headers, Buffer.buffer(refused.message() + "\n"));
            return;
        }
        WebSocketHandshake.Accepted accepted = (WebSocketHandshake.Accepted) outcome;
        NetSocketInternal socket = exchange.socket();
        var context = socket.channelHandlerContext();
        ByteBuf response = context.alloc().buffer(accepted.responseHead().length());
        response.writeCharSequence(accepted.responseHead(), java.nio.charset.StandardCharsets.ISO_8859_1);
        context.write(response, context.voidPromise());
        if (accepted.subprotocol().isEmpty()) {
            release(leftover);
            context.writeAndFlush(WebSocketFrames.close(context.alloc(), WebSocketFrameDecoder.CLOSE_POLICY_VIOLATION,
                    NO_SUBPROTOCOL_REASON)).addListener(done -> context.channel().close());
            return;
        }
        metrics.webSocketAccepts.increment();
        server.accept(new WebSocketTransport(new NetSocketTransport(socket), leftover,
                server.transportMetrics()), head, null);
    }

    private static void release(ByteBuf buffer) {
        if (buffer != null) {
            buffer.release();
        }
    }
}

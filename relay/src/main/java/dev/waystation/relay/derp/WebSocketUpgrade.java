package dev.waystation.relay.derp;

import io.netty.buffer.ByteBuf;

/**
 * Takes over a {@code /derp} request whose {@code Upgrade} is {@code websocket} and whose
 * {@code Sec-WebSocket-Protocol} contains {@code derp}: performs the WebSocket handshake on
 * {@link HttpExchange#socket()} and runs DERP over the binary messages through
 * {@link DerpServer#accept(DerpTransport, HttpRequestHead, ByteBuf)}.
 */
public interface WebSocketUpgrade {

    /** {@code leftover} holds bytes received after the request head (owned by the callee). */
    void upgrade(HttpExchange exchange, ByteBuf leftover);
}

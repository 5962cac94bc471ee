package dev.waystation.relay.websocket;

import java.util.List;

import dev.waystation.relay.derp.HttpRequestHead;

/** A request head, as it arrived on a relay listener, read by the WebSocket opening handshake. */
public record HandshakeRequest(HttpRequestHead head) implements WebSocketHandshake.Request {

    @Override
    public String method() {
        return head.method();
    }

    @Override
    public String version() {
        return head.version();
    }

    @Override
    public List<String> headers(String name) {
        return head.headers().getAll(name);
    }
}

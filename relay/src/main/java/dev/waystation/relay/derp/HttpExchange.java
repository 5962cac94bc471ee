package dev.waystation.relay.derp;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.impl.NetSocketInternal;

/** One request on a relay listener and the means to answer it (or take the raw socket over). */
public final class HttpExchange {

    private final HttpRequestHead request;
    private final NetSocketInternal socket;
    private final ListenerConnection connection;
    private boolean answered;

    HttpExchange(HttpRequestHead request, NetSocketInternal socket, ListenerConnection connection) {
        this.request = request;
        this.socket = socket;
        this.connection = connection;
    }

    public HttpRequestHead request() {
        return request;
    }

    /** The raw socket, for handlers that take the connection over (WebSocket). */
    public NetSocketInternal socket() {
        return socket;
    }

    /**
     * Writes a complete response ({@code Content-Length} added, no body for HEAD); then the
     * connection reads the next request, or closes when the request or response asked for that.
     */
    public void respond(int status, MultiMap headers, Buffer body) {
        if (answered) {
            throw new IllegalStateException("already answered");
        }
        answered = true;
        int length = body == null ? 0 : body.length();
        boolean keepAlive = request.keepAlive() && !"close".equalsIgnoreCase(headers.get("Connection"));
        StringBuilder head = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ')
                .append(HttpResponseStatus.valueOf(status).reasonPhrase()).append("\r\n");
        for (Map.Entry<String, String> header : headers) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        if (status != 204 && status != 304 && !headers.contains("Content-Length")) {
            head.append("Content-Length: ").append(length).append("\r\n");
        }
        if (!keepAlive && !headers.contains("Connection")) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        ByteBuf out = socket.channelHandlerContext().alloc().buffer(head.length() + length);
        out.writeCharSequence(head, StandardCharsets.ISO_8859_1);
        if (length > 0 && !"HEAD".equals(request.method())) {
            out.writeBytes(body.getBytes());
        }
        connection.respond(out, keepAlive);
    }

    /** A plain-text response. */
    public void respond(int status, String text) {
        respond(status, MultiMap.caseInsensitiveMultiMap().add("Content-Type", "text/plain; charset=utf-8"),
                Buffer.buffer(text));
    }
}

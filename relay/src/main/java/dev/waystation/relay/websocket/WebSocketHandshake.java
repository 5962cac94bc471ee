package dev.waystation.relay.websocket;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server side of the RFC 6455 opening handshake for DERP over WebSocket, checked as derper's
 * WebSocket library checks it (HTTP/1.1, {@code Connection: upgrade}, {@code Upgrade: websocket},
 * GET, version 13, one 16-byte base64 key; any origin; no compression), selecting subprotocol
 * {@code derp}, the only one Tailscale clients offer.
 */
public final class WebSocketHandshake {

    public static final String SUBPROTOCOL = "derp";
    static final String VERSION = "13";
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int KEY_BYTES = 16;

    /** Handshake outcome: either accepted (101 with these headers) or refused with an HTTP error. */
    public sealed interface Outcome permits Accepted, Refused {
    }

    /**
     * @param subprotocol the client's spelling of {@code derp}, or empty when the client did not offer it as a
     *                    token (the connection is then closed with 1008 right after the handshake, like derper)
     */
    public record Accepted(String responseHead, Optional<String> subprotocol) implements Outcome {
    }

    /** @param headers extra response headers derper's library sets with this error */
    public record Refused(int status, String message, List<Map.Entry<String, String>> headers) implements Outcome {
    }

    /** What the handshake reads of the request. */
    public interface Request {
        String method();

        String version();

        /** All values of a header (case-insensitive name), in order. */
        List<String> headers(String name);
    }

    private WebSocketHandshake() {
    }

    public static Outcome check(Request request) {
        List<Map.Entry<String, String>> upgradeHints = List.of(Map.entry("Connection", "Upgrade"),
                Map.entry("Upgrade", "websocket"));
        if (!"HTTP/1.1".equals(request.version())) {
            return new Refused(426, "WebSocket protocol violation: handshake request must be at least HTTP/1.1: \""
                    + request.version() + "\"", List.of());
        }
        if (!hasToken(request.headers("Connection"), "upgrade")) {
            return new Refused(426, "WebSocket protocol violation: Connection header \"" + first(request, "Connection")
                    + "\" does not contain Upgrade", upgradeHints);
        }
        if (!hasToken(request.headers("Upgrade"), "websocket")) {
            return new Refused(426, "WebSocket protocol violation: Upgrade header \"" + first(request, "Upgrade")
                    + "\" does not contain websocket", upgradeHints);
        }
        if (!"GET".equals(request.method())) {
            return new Refused(405, "WebSocket protocol violation: handshake request method is not GET but \""
                    + request.method() + "\"", List.of());
        }
        if (!VERSION.equals(first(request, "Sec-WebSocket-Version"))) {
            return new Refused(400, "unsupported WebSocket protocol version (only 13 is supported): \""
                    + first(request, "Sec-WebSocket-Version") + "\"", List.of(Map.entry("Sec-WebSocket-Version", VERSION)));
        }
        List<String> keys = request.headers("Sec-WebSocket-Key");
        if (keys.isEmpty()) {
            return new Refused(400, "WebSocket protocol violation: missing Sec-WebSocket-Key", List.of());
        }
        if (keys.size() > 1) {
            return new Refused(400, "WebSocket protocol violation: multiple Sec-WebSocket-Key headers", List.of());
        }
        String key = keys.get(0).trim();
        if (!isValidKey(key)) {
            return new Refused(400, "WebSocket protocol violation: invalid Sec-WebSocket-Key \"" + key
                    + "\", must be a 16 byte base64 encoded string", List.of());
        }
        Optional<String> subprotocol = tokens(request.headers("Sec-WebSocket-Protocol")).stream()
                .filter(SUBPROTOCOL::equalsIgnoreCase).findFirst();
        StringBuilder head = new StringBuilder(160).append("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Accept: ").append(acceptValue(key)).append("\r\n");
        subprotocol.ifPresent(p -> head.append("Sec-WebSocket-Protocol: ").append(p).append("\r\n"));
        head.append("Upgrade: websocket\r\n\r\n");
        return new Accepted(head.toString(), subprotocol);
    }

    /** {@code Sec-WebSocket-Accept}: base64(SHA-1(key + RFC 6455 GUID)). */
    static String acceptValue(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java platform", e);
        }
    }

    private static boolean isValidKey(String key) {
        try {
            return Base64.getDecoder().decode(key).length == KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String first(Request request, String name) {
        List<String> values = request.headers(name);
        return values.isEmpty() ? "" : values.get(0);
    }

    private static boolean hasToken(List<String> values, String token) {
        return tokens(values).stream().anyMatch(token::equalsIgnoreCase);
    }

    private static List<String> tokens(List<String> values) {
        return values.stream().flatMap(v -> List.of(v.split(",")).stream()).map(String::trim)
                .filter(t -> !t.isEmpty()).toList();
    }
}

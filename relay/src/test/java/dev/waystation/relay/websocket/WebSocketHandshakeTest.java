package dev.waystation.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The opening handshake, checked as derper's WebSocket library checks it. */
class WebSocketHandshakeTest {

    private static final String RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static WebSocketHandshake.Request request(String method, String version, Map<String, List<String>> headers) {
        return new WebSocketHandshake.Request() {
            @Override
            public String method() {
                return method;
            }

            @Override
            public String version() {
                return version;
            }

            @Override
            public List<String> headers(String name) {
                return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                        .flatMap(e -> e.getValue().stream()).toList();
            }
        };
    }

    private static Map<String, List<String>> valid() {
        return Map.of("Connection", List.of("keep-alive, Upgrade"), "Upgrade", List.of("websocket"),
                "Sec-WebSocket-Version", List.of("13"), "Sec-WebSocket-Key", List.of(RFC_KEY),
                "Sec-WebSocket-Protocol", List.of("derp"));
    }

    @Test
    void acceptValueIsTheRfcExample() {
        assertThat(WebSocketHandshake.acceptValue(RFC_KEY)).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void acceptsAndSelectsTheDerpSubprotocol() {
        var outcome = (WebSocketHandshake.Accepted) WebSocketHandshake.check(request("GET", "HTTP/1.1", valid()));
        assertThat(outcome.subprotocol()).contains("derp");
        assertThat(outcome.responseHead()).isEqualTo("HTTP/1.1 101 Switching Protocols\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                + "Sec-WebSocket-Protocol: derp\r\n"
                + "Upgrade: websocket\r\n\r\n");
    }

    @Test
    void aSubstringIsNotTheSubprotocol() {
        var headers = new java.util.HashMap<>(valid());
        headers.put("Sec-WebSocket-Protocol", List.of("derpish, other"));
        var outcome = (WebSocketHandshake.Accepted) WebSocketHandshake.check(request("GET", "HTTP/1.1", headers));
        assertThat(outcome.subprotocol()).isEqualTo(Optional.empty());
        assertThat(outcome.responseHead()).doesNotContain("Sec-WebSocket-Protocol");
    }

    @Test
    void refusesWhatDerperRefuses() {
        assertRefused(request("GET", "HTTP/1.0", valid()), 426);
        assertRefused(request("POST", "HTTP/1.1", valid()), 405);
        assertRefused(with("Connection", List.of("keep-alive")), 426);
        assertRefused(with("Sec-WebSocket-Version", List.of("8")), 400);
        assertRefused(with("Sec-WebSocket-Key", List.of()), 400);
        assertRefused(with("Sec-WebSocket-Key", List.of(RFC_KEY, RFC_KEY)), 400);
        assertRefused(with("Sec-WebSocket-Key", List.of("c2hvcnQ=")), 400);
    }

    private static WebSocketHandshake.Request with(String name, List<String> values) {
        var headers = new java.util.HashMap<>(valid());
        headers.put(name, values);
        return request("GET", "HTTP/1.1", headers);
    }

    private static void assertRefused(WebSocketHandshake.Request request, int status) {
        assertThat(WebSocketHandshake.check(request)).isInstanceOfSatisfying(WebSocketHandshake.Refused.class,
                refused -> assertThat(refused.status()).isEqualTo(status));
    }
}

package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import dev.waystation.relay.websocket.HandshakeRequest;
import dev.waystation.relay.websocket.WebSocketHandshake;

/**
 * The WebSocket opening handshake on arbitrary request heads, reached as the server reaches it: the
 * bytes go through the listener's {@link HttpHeadParser} first (so this lives beside it). Seeds: the
 * upgrade Tailscale's {@code derphttp} WebSocket client sent, a browser-style one, one without the
 * {@code derp} subprotocol. Never an exception; a 101 only for a GET over HTTP/1.1 with version 13
 * and one 16-byte key, whose response head carries the RFC 6455 accept value and nothing a client
 * could inject (every line a complete CRLF line, one blank line at the very end); a refusal is 400,
 * 405 or 426 with a message and only the server's own hint headers.
 */
class WebSocketHandshakeFuzzTest {

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    @FuzzTest
    void handshake(byte[] input) throws Exception {
        HttpHeadParser parser = new HttpHeadParser(UnpooledByteBufAllocator.DEFAULT, "derp", false);
        HttpHeadParser.Result result;
        try {
            result = parser.offer(Unpooled.wrappedBuffer(input), null);
        } catch (HttpHeadParser.MalformedRequestException e) {
            return;
        } finally {
            parser.release();
        }
        if (result == null) {
            return;
        }
        result.rest().release();
        HttpRequestHead head = result.head();
        WebSocketHandshake.Outcome outcome = WebSocketHandshake.check(new HandshakeRequest(head));
        if (outcome instanceof WebSocketHandshake.Refused refused) {
            assertThat(refused.status()).isIn(400, 405, 426);
            assertThat(refused.message()).isNotBlank();
            for (Map.Entry<String, String> header : refused.headers()) {
                assertThat(header.getKey()).isIn("Connection", "Upgrade", "Sec-WebSocket-Version");
                assertThat(header.getValue()).isIn("Upgrade", "websocket", "13");
            }
            return;
        }
        WebSocketHandshake.Accepted accepted = (WebSocketHandshake.Accepted) outcome;
        assertThat(head.method()).isEqualTo("GET");
        assertThat(head.version()).isEqualTo("HTTP/1.1");
        assertThat(head.headers().getAll("Sec-WebSocket-Version")).first().isEqualTo("13");
        List<String> keys = head.headers().getAll("Sec-WebSocket-Key");
        assertThat(keys).hasSize(1);
        String key = keys.get(0).trim();
        assertThat(Base64.getDecoder().decode(key)).hasSize(16);

        String response = accepted.responseHead();
        assertThat(response).startsWith("HTTP/1.1 101 Switching Protocols\r\n").endsWith("\r\n\r\n");
        String body = response.substring(0, response.length() - 2);
        assertThat(body.split("\r\n", -1)).as("response lines").allSatisfy(
                line -> assertThat(line).doesNotContain("\r", "\n"));
        assertThat(body).doesNotContain("\r\n\r\n");
        String expectedAccept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(response).contains("\r\nSec-WebSocket-Accept: " + expectedAccept + "\r\n");
        accepted.subprotocol().ifPresent(protocol -> {
            assertThat(protocol).isEqualToIgnoringCase(WebSocketHandshake.SUBPROTOCOL);
            assertThat(response).contains("\r\nSec-WebSocket-Protocol: " + protocol + "\r\n");
        });
    }
}

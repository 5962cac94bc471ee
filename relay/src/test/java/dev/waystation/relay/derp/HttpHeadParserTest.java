package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

/** The request-head parser keeps the bytes after the head (a fast-start client's ClientInfo). */
class HttpHeadParserTest {

    private final HttpHeadParser parser = new HttpHeadParser(UnpooledByteBufAllocator.DEFAULT, "derp", false);

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void pipelinedBytesAfterTheHeadAreKept() throws Exception {
        assertThat(parser.offer(bytes("GET /derp?x=1 HTTP/1.1\r\nUpgrade: DERP\r\nDerp-Fast-"), null)).isNull();
        HttpHeadParser.Result result = parser.offer(bytes("Start: 1\r\n\r\n\u0002\u0000\u0000"), null);
        assertThat(result.head().path()).isEqualTo("/derp");
        assertThat(result.head().query()).isEqualTo("x=1");
        assertThat(result.head().header("upgrade")).isEqualTo("DERP");
        assertThat(result.head().header("derp-fast-start")).isEqualTo("1");
        assertThat(result.rest().readableBytes()).isEqualTo(3);
        assertThat(result.rest().readByte()).isEqualTo((byte) 2);
        result.rest().release();
    }

    @Test
    void garbageIsRejectedEarly() {
        assertThatThrownBy(() -> parser.offer(bytes("\u0016\u0003\u0001"), null))
                .isInstanceOf(HttpHeadParser.MalformedRequestException.class);
    }

    @Test
    void malformedRequestLineIsRejected() {
        assertThatThrownBy(() -> parser.offer(bytes("GET\r\n\r\n"), null))
                .isInstanceOf(HttpHeadParser.MalformedRequestException.class);
    }

    @Test
    void controlCharactersInHeadersAreRejected() {
        assertThatThrownBy(() -> parser.offer(bytes("GET / HTTP/1.1\r\nHost: a\rSet-Cookie: x\r\n\r\n"), null))
                .isInstanceOf(HttpHeadParser.MalformedRequestException.class).hasMessageContaining("0xd");
        HttpHeadParser other = new HttpHeadParser(UnpooledByteBufAllocator.DEFAULT, "derp", false);
        assertThatThrownBy(() -> other.offer(bytes("GET / HTTP/1.1\r\nHost: a\u0000b\r\n\r\n"), null))
                .isInstanceOf(HttpHeadParser.MalformedRequestException.class);
    }

    @Test
    void headDrippedByteByByteIsFoundAcrossEveryBoundary() throws Exception {
        String head = "GET /x HTTP/1.1\r\nHost: relay\r\nX-Long: " + "v".repeat(3000) + "\r\n\r\nNEXT";
        HttpHeadParser.Result result = null;
        for (int i = 0; i < head.length() && result == null; i++) {
            result = parser.offer(bytes(head.substring(i, i + 1)), null);
            // An incomplete head keeps a buffer about its own size, not one per byte received.
            assertThat(parser.heldBytes()).isLessThanOrEqualTo(2 * (i + 1) + 1024);
        }
        assertThat(result).isNotNull();
        assertThat(result.head().path()).isEqualTo("/x");
        assertThat(result.head().header("X-Long")).hasSize(3000);
        assertThat(result.rest().isReadable()).isFalse();
        result.rest().release();
    }
}

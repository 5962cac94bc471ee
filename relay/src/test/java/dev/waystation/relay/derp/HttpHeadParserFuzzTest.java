package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import dev.waystation.relay.testing.FuzzStreams;
import dev.waystation.relay.testing.TrackingAllocator;

/**
 * The request-head parser on arbitrary bytes, as a listener receives them before the upgrade. Seeds:
 * the heads Tailscale's {@code derphttp} client sends (upgrade, fast start, WebSocket, probes), with a
 * fast-start ClientInfo pipelined behind. Whatever the bytes: a head, "need more" or
 * {@link HttpHeadParser.MalformedRequestException}, never another exception; the outcome does not
 * depend on how the bytes were split into reads; head and kept bytes add up to exactly the input;
 * every buffer is released.
 */
class HttpHeadParserFuzzTest {

    private static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.1", 41641);

    /** What parsing a whole stream ended with. */
    private record Outcome(String kind, String head, byte[] rest) {
        static Outcome needMore() {
            return new Outcome("need more", "", new byte[0]);
        }

        static Outcome malformed() {
            return new Outcome("malformed", "", new byte[0]);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome other && kind.equals(other.kind) && head.equals(other.head)
                    && java.util.Arrays.equals(rest, other.rest);
        }

        @Override
        public int hashCode() {
            return kind.hashCode();
        }

        @Override
        public String toString() {
            return kind + " " + head + " +" + rest.length + " bytes";
        }
    }

    @FuzzTest
    void requestHead(byte[] input) {
        Outcome whole = parse(input, List.of(input));
        Outcome split = parse(input, FuzzStreams.reads(input));
        assertThat(split).as("outcome of the same bytes in smaller reads").isEqualTo(whole);
    }

    private static Outcome parse(byte[] input, List<byte[]> reads) {
        TrackingAllocator alloc = new TrackingAllocator();
        HttpHeadParser parser = new HttpHeadParser(alloc, "derp", false);
        Outcome outcome = Outcome.needMore();
        ByteBuf rest = null;
        try {
            for (byte[] read : reads) {
                ByteBuf in = alloc.copyOf(read);
                if (rest != null) {
                    rest.writeBytes(in);
                    in.release();
                    continue;
                }
                HttpHeadParser.Result result = parser.offer(in, REMOTE);
                if (result != null) {
                    rest = alloc.buffer().writeBytes(result.rest());
                    result.rest().release();
                    outcome = new Outcome("head", describe(result.head()), null);
                }
            }
            if (rest != null) {
                outcome = new Outcome(outcome.kind(), outcome.head(), ByteBufUtil.getBytes(rest));
                rest.release();
                int headLength = input.length - outcome.rest().length;
                assertThat(headLength).as("head length").isPositive();
                assertThat(input[headLength - 1]).as("the head ends with its blank line").isEqualTo((byte) '\n');
                assertThat(outcome.rest()).as("kept bytes are exactly those after the head")
                        .isEqualTo(java.util.Arrays.copyOfRange(input, headLength, input.length));
            }
        } catch (HttpHeadParser.MalformedRequestException e) {
            assertThat(e.getMessage()).isNotBlank();
            outcome = Outcome.malformed();
            if (rest != null) {
                rest.release();
            }
        }
        parser.release();
        assertThat(alloc.unreleased()).as("buffers still referenced").isEmpty();
        return outcome;
    }

    /** The parsed head, checked for the shape every later stage relies on. */
    private static String describe(HttpRequestHead head) {
        assertThat(head.method()).matches("[A-Z]+");
        assertThat(head.version()).startsWith("HTTP/1.");
        assertThat(head.target()).isNotEmpty().doesNotContain(" ", "\n");
        StringBuilder out = new StringBuilder(head.method()).append(' ').append(head.target()).append(' ')
                .append(head.version());
        for (Map.Entry<String, String> header : head.headers()) {
            assertThat(header.getKey()).isNotEmpty().doesNotContain(":", "\n");
            assertThat(header.getValue()).doesNotContain("\n");
            out.append('|').append(header.getKey()).append(": ").append(header.getValue());
        }
        head.path();
        head.query();
        head.keepAlive();
        return out.toString();
    }
}

package dev.waystation.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import dev.waystation.relay.testing.TrackingAllocator;

/**
 * Arbitrary datagrams through the STUN socket's handler (classification and in-place reply), in both
 * modes, from IPv4, IPv6 and IPv4-mapped senders, in a full-size receive buffer and in one just as
 * long as the datagram. Seeds: requests Tailscale's {@code net/stun} built (captured from the interop
 * harness's {@code stunprobe}) and a plain RFC 5389 request.
 *
 * <p>Whatever the bytes: exactly one counter moves per datagram; an answer goes to the sender, is a
 * Binding Success carrying the request's transaction id and the sender's address and port
 * (XOR-MAPPED-ADDRESS decoded here independently), 32 or 44 bytes; in the Tailscale-only mode it is
 * answered only for a request with {@code SOFTWARE=tailnode} and a FINGERPRINT that
 * {@code java.util.zip.CRC32} confirms, and it is at most 4 bytes longer than the request (derper's
 * own ratio: a 40-byte request, a 44-byte IPv6 reply); every buffer is released.
 */
class BindingRequestsFuzzTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 3478);
    private static final List<InetSocketAddress> SENDERS = List.of(
            new InetSocketAddress(address("192.0.2.7"), 41641),
            new InetSocketAddress(address("2001:db8::7"), 65535),
            new InetSocketAddress(ipv4Mapped(198, 51, 100, 9), 1));
    private static final int RECEIVE_BUFFER = BindingRequests.MAX_REQUEST_LENGTH + 1;
    /** How much longer than a Tailscale request its reply may be: 44-byte IPv6 reply, 40-byte smallest request. */
    private static final int TAILSCALE_REPLY_GROWTH = StunWire.MAX_RESPONSE_LENGTH - 40;

    @FuzzTest
    void datagram(byte[] input) {
        if (input.length > RECEIVE_BUFFER) {
            return; // the socket's receive buffer never holds more
        }
        for (boolean answerAll : new boolean[] {false, true}) {
            for (InetSocketAddress sender : SENDERS) {
                for (boolean fullBuffer : new boolean[] {true, false}) {
                    receive(input, answerAll, sender, fullBuffer);
                }
            }
        }
    }

    /** One STUN socket per mode, as the server has; counters are compared before and after each datagram. */
    private static final class Socket {
        final StunCounters counters;
        final EmbeddedChannel channel;

        Socket(boolean answerAll) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            counters = new StunCounters(registry);
            channel = new EmbeddedChannel(new StunChannelHandler(new StunMetrics(registry), () -> answerAll));
        }

        double answered() {
            return counters.family("ipv4") + counters.family("ipv6");
        }

        double total() {
            return answered() + counters.droppedTotal();
        }
    }

    private static final Socket TAILSCALE_ONLY = new Socket(false);
    private static final Socket ANSWER_ALL = new Socket(true);

    private static void receive(byte[] input, boolean answerAll, InetSocketAddress sender, boolean fullBuffer) {
        TrackingAllocator alloc = new TrackingAllocator();
        Socket socket = answerAll ? ANSWER_ALL : TAILSCALE_ONLY;
        EmbeddedChannel channel = socket.channel;
        channel.config().setAllocator(alloc);
        double answeredBefore = socket.answered();
        double totalBefore = socket.total();
        ByteBuf received = alloc.directBuffer(fullBuffer ? RECEIVE_BUFFER : Math.max(1, input.length),
                fullBuffer ? RECEIVE_BUFFER : Math.max(1, input.length)).writeBytes(input);
        channel.writeInbound(new DatagramPacket(received, LOCAL, sender));
        channel.flushOutbound();
        DatagramPacket reply = channel.readOutbound();
        try {
            double answered = socket.answered() - answeredBefore;
            assertThat(socket.total() - totalBefore).as("counters moved").isEqualTo(1.0);
            if (reply == null) {
                assertThat(answered).isZero();
                return;
            }
            assertThat((Object) channel.readOutbound()).as("a second reply").isNull();
            assertThat(answered).isEqualTo(1.0);
            checkReply(input, ByteBufUtil.getBytes(reply.content()), sender, answerAll);
            assertThat(reply.recipient()).isEqualTo(sender);
        } finally {
            if (reply != null) {
                reply.release();
            }
            channel.releaseOutbound();
            assertThat(alloc.unreleased()).as("buffers still referenced").isEmpty();
        }
    }

    private static void checkReply(byte[] request, byte[] reply, InetSocketAddress sender, boolean answerAll) {
        if (!answerAll) {
            assertThat(hasTailscaleSoftware(request)).as("SOFTWARE=tailnode").isTrue();
            assertThat(BindingRequestsRandomizedTest.hasTailscaleFingerprint(request)).as("FINGERPRINT").isTrue();
            assertThat(reply.length).as("reply length for a %d-byte request", request.length)
                    .isLessThanOrEqualTo(request.length + TAILSCALE_REPLY_GROWTH);
        }
        ByteBuffer in = ByteBuffer.wrap(request);
        ByteBuffer out = ByteBuffer.wrap(reply);
        assertThat(in.getShort(0)).as("request type").isEqualTo((short) 0x0001);
        assertThat(out.getShort(0)).as("reply type").isEqualTo((short) 0x0101);
        assertThat(out.getShort(2) & 0xFFFF).as("reply length field").isEqualTo(reply.length - 20);
        assertThat(Arrays.copyOfRange(reply, 4, 20)).as("cookie and transaction id")
                .isEqualTo(Arrays.copyOfRange(request, 4, 20));
        byte[] ip = sender.getAddress().getAddress();
        boolean ipv4 = BindingResponse.isIpv4(sender.getAddress());
        byte[] expected = ipv4 ? Arrays.copyOfRange(ip, ip.length - 4, ip.length) : ip;
        assertThat(reply.length).isEqualTo(ipv4 ? 32 : 44);
        assertThat(out.getShort(20)).as("XOR-MAPPED-ADDRESS").isEqualTo((short) 0x0020);
        assertThat(out.get(25)).as("family").isEqualTo((byte) (ipv4 ? 1 : 2));
        assertThat((out.getShort(26) ^ 0x2112) & 0xFFFF).as("port").isEqualTo(sender.getPort());
        byte[] mapped = Arrays.copyOfRange(reply, 28, reply.length);
        for (int i = 0; i < mapped.length; i++) {
            mapped[i] ^= reply[4 + i]; // cookie, then transaction id
        }
        assertThat(mapped).as("mapped address").isEqualTo(expected);
    }

    private static boolean hasTailscaleSoftware(byte[] request) {
        String text = new String(request, java.nio.charset.StandardCharsets.ISO_8859_1);
        return text.contains("\u0080\"\u0000\btailnode");
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** {@code ::ffff:a.b.c.d} kept as an IPv6 address, as a dual-stack socket reports IPv4 senders. */
    private static InetAddress ipv4Mapped(int a, int b, int c, int d) {
        byte[] raw = new byte[16];
        raw[10] = (byte) 0xFF;
        raw[11] = (byte) 0xFF;
        raw[12] = (byte) a;
        raw[13] = (byte) b;
        raw[14] = (byte) c;
        raw[15] = (byte) d;
        try {
            return java.net.Inet6Address.getByAddress(null, raw, -1);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

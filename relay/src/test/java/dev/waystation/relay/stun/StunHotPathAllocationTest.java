package dev.waystation.relay.stun;

import static dev.waystation.relay.stun.StunPackets.APPENDIX_A_REQUEST;
import static dev.waystation.relay.stun.StunPackets.HEX;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The per-datagram work (classify in place, answer in the same buffer, count) allocates nothing on
 * the heap once compiled. Measured with the JVM's per-thread allocation counter, not with time.
 */
class StunHotPathAllocationTest {

    private static final int WARM_UP = 200_000;
    private static final int MEASURED = 100_000;
    /** Far below one allocation per datagram (the smallest object is 16 bytes). */
    private static final long MAX_BYTES_PER_DATAGRAM = 1;
    private static final long IPV6_ADDRESS_COPY_BYTES = 32;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void answeringAnIpv4RequestAllocatesNothing() throws Exception {
        assertThat(bytesPerDatagram(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 54321), APPENDIX_A_REQUEST))
                .isLessThan(MAX_BYTES_PER_DATAGRAM);
    }

    /** The JDK hands out IPv6 address bytes only as a fresh copy: one 16-byte array (32 bytes with its header). */
    @Test
    void answeringAnIpv6RequestAllocatesOnlyTheJdkAddressCopy() throws Exception {
        assertThat(bytesPerDatagram(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 54321), APPENDIX_A_REQUEST))
                .isLessThanOrEqualTo(IPV6_ADDRESS_COPY_BYTES);
    }

    @Test
    void droppingGarbageAllocatesNothing() throws Exception {
        String badFingerprint = APPENDIX_A_REQUEST.substring(0, APPENDIX_A_REQUEST.length() - 2) + "00";
        assertThat(bytesPerDatagram(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 54321), badFingerprint))
                .isLessThan(MAX_BYTES_PER_DATAGRAM);
    }

    private long bytesPerDatagram(InetSocketAddress client, String requestHex) {
        byte[] request = HEX.parseHex(requestHex);
        StunMetrics metrics = new StunMetrics(new SimpleMeterRegistry());
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(2048);
        try {
            long sink = 0;
            for (int i = 0; i < WARM_UP; i++) {
                sink += handle(buf, request, client, metrics);
            }
            long threadId = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < MEASURED; i++) {
                sink += handle(buf, request, client, metrics);
            }
            long allocated = threads.getThreadAllocatedBytes(threadId) - before;
            assertThat(sink).isPositive();
            return allocated / MEASURED;
        } finally {
            buf.release();
        }
    }

    /** What {@link StunChannelHandler#channelRead} does with a datagram, minus Netty's envelope. */
    private static int handle(ByteBuf buf, byte[] request, InetSocketAddress client, StunMetrics metrics) {
        buf.clear().writeBytes(request);
        Verdict verdict = BindingRequests.classify(buf, false, StunWire.IPV4_RESPONSE_LENGTH);
        if (verdict != Verdict.ANSWER) {
            metrics.dropped(verdict);
            return 1;
        }
        metrics.answered(BindingResponse.writeInPlace(buf, client));
        return buf.readableBytes();
    }
}

package dev.waystation.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * {@code stun_receive_dropped_total}: what the kernel discards at a full STUN socket shows up, read
 * from the kernel's own socket table, and only for the STUN ports.
 */
class StunReceiveDropsTest {

    /** Far more than the smallest receive buffer the kernel allows holds. */
    private static final int BURST = 2_000;

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void sumsTheDropsColumnOfTheStunPortsOnly() {
        Stream<String> table = Stream.of(
                "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
                "  100: 0100007F:0D96 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0000000000000000 7",
                "  101: 0100007F:0D96 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3 2 0000000000000000 5",
                "  102: 0100007F:0D97 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4 2 0000000000000000 900");
        assertThat(StunReceiveDrops.drops(table, Set.of(3478))).isEqualTo(12);
    }

    @Test
    void countsRequestsDroppedWhileTheEventLoopCannotRead() throws Exception {
        assertThat(vertx.isNativeTransportEnabled()).as("native transport: %s", vertx.unavailableNativeTransportCause()).isTrue();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // 1 byte asks for the kernel's minimum buffer: a handful of datagrams.
        StunServer server = new StunServer(vertx, new TestStunConfig(0, List.of("127.0.0.1"), 1, 1), new StunMetrics(registry));
        StunReceiveDrops drops = new StunReceiveDrops(registry, server);
        server.setEnabled(true).toCompletableFuture().get(30, TimeUnit.SECONDS);
        InetSocketAddress target = server.boundAddresses().get(0);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(registry.get(StunReceiveDrops.NAME).functionCounter().count()).isZero();
            // The only event loop holds the socket; while it waits nothing reads, so the buffer fills.
            vertx.nettyEventLoopGroup().next().execute(() -> {
                blocked.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
            byte[] request = StunPackets.tailscaleRequest(StunPackets.APPENDIX_A_TXID);
            for (int i = 0; i < BURST; i++) {
                client.send(new DatagramPacket(request, request.length, target));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> drops.read() > 0);
            assertThat(registry.get(StunReceiveDrops.NAME).functionCounter().count()).isPositive().isLessThan(BURST);
        } finally {
            release.countDown();
            server.setEnabled(false).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        assertThat(drops.read()).as("no STUN socket, nothing to count").isZero();
    }
}

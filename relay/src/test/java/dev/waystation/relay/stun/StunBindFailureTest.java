package dev.waystation.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/** A port someone else holds (or a socket count that makes no sense): a precise error, nothing left half-open, and STUN can be switched on later. */
class StunBindFailureTest {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void takenPortFailsWithTheAddressAndLeavesNothingOpen() throws Exception {
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = squatter.getLocalPort();
            // ::1 binds (different address), 127.0.0.1 is taken: the ::1 socket must be closed again.
            StunServer server = new StunServer(vertx, new TestStunConfig(port, List.of("::1", "127.0.0.1"), 1),
                    new StunMetrics(new SimpleMeterRegistry()));

            assertThatThrownBy(() -> server.setEnabled(true).toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("cannot bind UDP /127.0.0.1:" + port);
            assertThat(server.isEnabled()).isFalse();
            assertThat(server.boundAddresses()).isEmpty();
            // The ::1 socket closes asynchronously; its port becomes free again.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), port))) {
                    assertThat(probe.getLocalPort()).isEqualTo(port);
                }
            });
        }
    }

    @Test
    void enablingAfterTheSquatterLeftWorks() throws Exception {
        int port;
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = squatter.getLocalPort();
        }
        StunServer server = new StunServer(vertx, new TestStunConfig(port, List.of("127.0.0.1"), 1),
                new StunMetrics(new SimpleMeterRegistry()));
        server.setEnabled(true).toCompletableFuture().get(30, TimeUnit.SECONDS);
        try {
            assertThat(server.boundAddresses()).containsExactly(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } finally {
            server.setEnabled(false).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        assertThat(server.boundAddresses()).isEmpty();
    }

    @Test
    void fewerThanOneSocketPerAddressIsRefusedWithTheKey() {
        assertRefused(new TestStunConfig(0, List.of("127.0.0.1"), 0),
                "waystation.stun.sockets-per-address must be at least 1, not 0");
    }

    @Test
    void negativeReceiveBufferIsRefusedWithTheKey() {
        assertRefused(new TestStunConfig(0, List.of("127.0.0.1"), 1, -1),
                "waystation.stun.receive-buffer-bytes must be 0 (kernel default) or more, not -1");
    }

    /** The bad setting fails the switch with a message naming it, and STUN stays off with nothing bound. */
    private void assertRefused(StunConfig config, String message) {
        StunServer server = new StunServer(vertx, config, new StunMetrics(new SimpleMeterRegistry()));
        assertThatThrownBy(() -> server.setEnabled(true).toCompletableFuture().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining(message);
        assertThat(server.isEnabled()).isFalse();
        assertThat(server.boundAddresses()).isEmpty();
    }
}

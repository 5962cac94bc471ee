package dev.waystation.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * {@code waystation.stun.sockets-per-address}: several SO_REUSEPORT sockets share one port (the
 * kernel's socket table shows each), every Tailscale client is answered whichever socket the kernel
 * picks for it, and switching STUN off closes all of them.
 */
class StunReusePortTest {

    private static final int SOCKETS = 3;
    private static final int CLIENTS = 8;

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(SOCKETS));

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void severalSocketsShareThePortAndAllAnswer() throws Exception {
        assertThat(vertx.isNativeTransportEnabled())
                .as("native transport (needed for SO_REUSEPORT): %s", vertx.unavailableNativeTransportCause()).isTrue();
        StunServer server = new StunServer(vertx, new TestStunConfig(0, List.of("127.0.0.1"), SOCKETS),
                new StunMetrics(new SimpleMeterRegistry()));
        server.setEnabled(true).toCompletableFuture().get(30, TimeUnit.SECONDS);
        InetSocketAddress target = server.boundAddresses().get(0);
        try {
            assertThat(server.boundAddresses()).hasSize(1);
            assertThat(udpSocketsOnPort(target.getPort())).isEqualTo(SOCKETS);
            // Each probe run is a new client port, so the kernel's hash spreads them over the sockets.
            for (int i = 0; i < CLIENTS; i++) {
                CommandResult probe = StunProbe.run(target, 2, Duration.ofSeconds(2));
                assertThat(probe.exitCode()).as(probe.toString()).isZero();
                assertThat(StunProbe.answers(probe)).hasSize(2)
                        .allSatisfy(answer -> assertThat(answer.mapped()).isEqualTo(answer.local()));
            }
        } finally {
            server.setEnabled(false).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> udpSocketsOnPort(target.getPort()) == 0);
        // Nobody holds the port any more, so even a socket without SO_REUSEPORT can take it.
        try (DatagramSocket plain = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), target.getPort()))) {
            assertThat(plain.getLocalPort()).isEqualTo(target.getPort());
        }
    }

    /**
     * UDP sockets bound to {@code port}, from the kernel's tables (local address column is ADDR:PORT
     * in hex). Both tables: Netty may open an IPv6 socket even for an IPv4 address (it then binds
     * {@code ::ffff:127.0.0.1}).
     */
    private static long udpSocketsOnPort(int port) throws IOException {
        String suffix = String.format(Locale.ROOT, ":%04X", port);
        long count = 0;
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            count += Files.readAllLines(Path.of(table)).stream().skip(1)
                    .map(line -> line.trim().split("\\s+")[1])
                    .filter(local -> local.endsWith(suffix))
                    .count();
        }
        return count;
    }
}

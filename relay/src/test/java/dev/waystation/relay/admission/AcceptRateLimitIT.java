package dev.waystation.relay.admission;

import static dev.waystation.relay.testing.PolicyDocs.document;
import static dev.waystation.relay.testing.PolicyDocs.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.waystation.relay.testing.PolicyFileRelay;

/**
 * {@code Admission.AcceptRatePerSecond}: a burst of 1 000 connection attempts against 50/s; the
 * excess is closed at once and counted, and the listener keeps accepting afterwards (derper's Go
 * listener stops serving after its first rejection).
 */
class AcceptRateLimitIT {

    private static final int ATTEMPTS = 1000;
    private static final int RATE = 50;

    @Test
    void excessConnectionsAreClosedAndCountedAndTheListenerKeepsAccepting() throws Exception {
        try (PolicyFileRelay relay = PolicyFileRelay.start(document(source("accept", "Device",
                "Admission.AcceptRatePerSecond: " + RATE, "Admission.AcceptBurst: " + RATE)), Map.of())) {
            double acceptedBefore = relay.relay.metric("tls_listener_accepted_connections_total");
            double rejectedBefore = relay.relay.metric("tls_listener_rejected_connections_total");

            List<Socket> sockets = new ArrayList<>();
            long started = System.nanoTime();
            try {
                for (int i = 0; i < ATTEMPTS; i++) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", relay.relay.derpPort()), 5000);
                    sockets.add(socket);
                }
                Awaitility.await("every attempt counted").atMost(Duration.ofSeconds(30)).until(() ->
                        relay.relay.metric("tls_listener_accepted_connections_total") - acceptedBefore
                                + relay.relay.metric("tls_listener_rejected_connections_total") - rejectedBefore
                                >= ATTEMPTS);
                // Tokens refill while the relay works through the backlog, so the bound uses the whole span.
                double seconds = (System.nanoTime() - started) / 1e9;
                int closedByServer = 0;
                for (Socket socket : sockets.subList(sockets.size() - 50, sockets.size())) {
                    if (closedByServer(socket)) {
                        closedByServer++;
                    }
                }
                double accepted = relay.relay.metric("tls_listener_accepted_connections_total") - acceptedBefore;
                double rejected = relay.relay.metric("tls_listener_rejected_connections_total") - rejectedBefore;

                assertThat(accepted + rejected).as("every attempt is counted once").isEqualTo(ATTEMPTS);
                assertThat(accepted).as("accepted in %.2f s", seconds)
                        .isLessThanOrEqualTo(RATE + Math.ceil(RATE * seconds) + 1);
                assertThat(rejected).isGreaterThan(0);
                assertThat(closedByServer).as("of the last 50 attempts, closed by the relay").isGreaterThan(0);
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }

            Thread.sleep(1500);
            assertThat(relay.tryConnect(PolicyFileRelay.newKeyPair().get(0)))
                    .as("a well-behaved client after the burst").isTrue();
        }
    }

    private static boolean closedByServer(Socket socket) {
        try {
            socket.setSoTimeout(300);
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}

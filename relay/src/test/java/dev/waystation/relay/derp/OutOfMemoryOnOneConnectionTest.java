package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.waystation.relay.testing.ExchangingPair;
import dev.waystation.testing.GoCheck;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * An OutOfMemoryError on one connection's handler path closes that connection only: it is counted,
 * leaves no client behind, and a pair of Tailscale {@code derphttp} clients keeps exchanging packets.
 * The error is injected (at ServerInfo, when the handshake completes): the receive budgets hold one
 * connection to one partial frame and its send queue to a fixed depth, so no single client can make
 * a real allocation fail.
 */
@QuarkusTest
@TestProfile(OutOfMemoryOnOneConnectionTest.InjectedOutOfMemory.class)
class OutOfMemoryOnOneConnectionTest {

    public static final class InjectedOutOfMemory implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(DoomedKeyServerInfo.class);
        }
    }

    @Inject
    DerpListeners listeners;

    @Inject
    DoomedKeyServerInfo serverInfo;

    @Inject
    MeterRegistry registry;

    @Test
    void onlyTheConnectionThatRanOutOfMemoryIsClosed() throws Exception {
        String url = "http://127.0.0.1:" + listeners.port(ListenerSpec.DERP) + "/derp";
        try (ExchangingPair pair = ExchangingPair.start(url)) {
            double closesBefore = counter("waystation.connection.out.of.memory.closes");

            List<String> doomed = GoCheck.newNodeKeyPair();
            serverInfo.doom(doomed.get(1));
            GoCheck.Result attempt = GoCheck.run("derpclient", 40, "try", url, doomed.get(0), "20");
            assertThat(attempt.output()).as("the client whose handshake ran out of memory").contains("REJECTED");

            Awaitility.await("counted and forgotten").atMost(Duration.ofSeconds(10)).until(
                    () -> counter("waystation.connection.out.of.memory.closes") == closesBefore + 1
                            && registry.get("derp.clients.local").gauge().value() == 2);
            pair.awaitMoreRounds(5, Duration.ofSeconds(30));

            GoCheck.Result fresh = GoCheck.run("derpcheck", 120, "exchange", url);
            assertThat(fresh.ok()).as("a fresh pair:\n%s", fresh.output()).isTrue();
            pair.finish();
        }
    }

    private double counter(String name) {
        return registry.get(name).functionCounter().count();
    }
}

package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.GoCheck;
import dev.waystation.testing.RelayProcess;

/** SIGTERM: clients get a Restarting frame and the relay exits within its grace period. */
class GracefulShutdownIT {

    @Test
    void sigtermSendsRestartingAndExitsWithinTheGracePeriod() {
        RelayProcess relay = RelayProcess.start(Map.of("waystation.relay.shutdown-grace-period", "3s",
                "waystation.relay.restart-reconnect-in", "2s", "waystation.relay.restart-try-for", "20s"));
        try {
            GoCheck.Running client = GoCheck.start("derpcheck", "restart", relay.derpUrl());
            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> client.output().contains("READY") || !client.process().isAlive());
            long start = System.nanoTime();
            relay.process().destroy();
            GoCheck.Result result = client.await(60);
            assertThat(result.ok()).as("client:\n%s\nrelay log:\n%s", result.output(), relay.logText()).isTrue();
            assertThat(result.output()).contains("reconnect in 2s, try for 20s");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !relay.process().isAlive());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // Grace period plus JVM shutdown; a hung drain would take far longer.
            assertThat(took).isLessThan(Duration.ofSeconds(20));
            assertThat(relay.logText()).contains("graceful shutdown: 1 connections");
        } finally {
            relay.close();
        }
    }
}

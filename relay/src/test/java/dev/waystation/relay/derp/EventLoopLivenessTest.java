package dev.waystation.relay.derp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.ManagementPort;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;

/**
 * Liveness goes DOWN while an event loop is stuck (here: one loop blocked by a task) and UP again
 * once it runs tasks, so Kubernetes restarts a relay whose loops stopped serving.
 */
@QuarkusTest
@TestProfile(EventLoopLivenessTest.ShortStallLimit.class)
class EventLoopLivenessTest {

    public static final class ShortStallLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("waystation.relay.event-loop-stall-limit", "2s");
        }
    }

    @Inject
    Vertx vertx;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The liveness status code; a request that lands on the blocked loop times out and counts as -1. */
    private int live() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(ManagementPort.url("/health/live")))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void livenessFollowsAStuckEventLoop() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> live() == 200);
        CountDownLatch release = blockALoopThatDoesNotServeTheManagementInterface();
        try {
            Awaitility.await("liveness DOWN").atMost(Duration.ofSeconds(30)).until(() -> live() == 503);
        } finally {
            release.countDown();
        }
        Awaitility.await("liveness UP again").atMost(Duration.ofSeconds(30)).until(() -> live() == 200);
    }

    /**
     * Blocks one event loop with a task and returns the latch that ends it. Which loop answers the
     * management port depends on how many verticles were deployed before, so each loop is tried in
     * turn: one whose blocking leaves the liveness endpoint answering is kept blocked.
     */
    private CountDownLatch blockALoopThatDoesNotServeTheManagementInterface() {
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(() -> {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            if (live() != -1) {
                return release;
            }
            release.countDown();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> live() == 200);
        }
        throw new AssertionError("every event loop serves the management interface: none can be blocked");
    }
}

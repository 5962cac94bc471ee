package dev.waystation.relay.admission;

import static dev.waystation.relay.testing.PolicyDocs.document;
import static dev.waystation.relay.testing.PolicyDocs.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.waystation.relay.testing.PolicyFileRelay;
import dev.waystation.testing.GoCheck;

/**
 * No per-client policy state outlives its connection: clients (one of them named by a User-scope
 * source) that close while the admission webhook is still deciding leave no resultant policy and
 * no binding behind, and a client that connects and leaves is forgotten too. Clients are
 * Tailscale's {@code derphttp} ({@code derpclient hold}).
 */
class ClientPolicyLifetimeIT {

    private static final String REGION = "Profile(default)";
    /** Below the webhook client's connection pool, so every check is in flight at once. */
    private static final int CLIENTS = 4;

    @Test
    void clientsClosingDuringAWebhookCheckLeaveNoState() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.setExecutor(Executors.newCachedThreadPool());
        webhook.createContext("/held", exchange -> {
            asked.incrementAndGet();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"Allow\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            answered.incrementAndGet();
        });
        webhook.start();
        String verify = "http://127.0.0.1:" + webhook.getAddress().getPort() + "/held";
        List<List<String>> keys = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            keys.add(PolicyFileRelay.newKeyPair());
        }
        String named = keys.get(0).get(1);
        try (PolicyFileRelay relay = PolicyFileRelay.start(document(
                source("fleet", "Device", "Admission.VerifyURL: '" + verify + "'",
                        "Admission.VerifyURLAllowHTTP: true"),
                source("one-client", "User(" + named + ")", "Client.RateBurstBytes: 100000")), Map.of())) {
            relay.awaitSetting(REGION, "Admission.VerifyURL", "\"" + verify + "\"");
            assertThat(relay.relay.metric("waystation_policy_resultant_policies")).isEqualTo(1);

            List<GoCheck.Running> clients = new ArrayList<>();
            for (List<String> key : keys) {
                clients.add(GoCheck.start("derpclient", "hold", relay.relay.derpUrl(), key.get(0), "30"));
            }
            Awaitility.await("every client waiting for the webhook").atMost(Duration.ofSeconds(30))
                    .until(() -> asked.get() >= CLIENTS);
            clients.forEach(client -> client.process().destroyForcibly());
            release.countDown();
            Awaitility.await("every webhook answer delivered").atMost(Duration.ofSeconds(30))
                    .until(() -> answered.get() >= CLIENTS);

            // The admissions complete after their connections closed: nothing may stay for them.
            Awaitility.await("no client state left").atMost(Duration.ofSeconds(10)).until(
                    () -> relay.relay.metric("waystation_policy_clients{policy=\"any\"}") == 0
                            && relay.relay.metric("waystation_policy_resultant_policies") == 1);

            // A named client that connects gets its own policy, and loses it when it leaves.
            try (GoCheck.Running held = GoCheck.holdConnection(relay.relay.derpUrl(), keys.get(0).get(0), 30)) {
                Awaitility.await("the named client bound").atMost(Duration.ofSeconds(10)).until(
                        () -> relay.relay.metric("waystation_policy_clients{policy=\"own\"}") == 1
                                && relay.relay.metric("waystation_policy_resultant_policies") == 2);
            }
            Awaitility.await("the named client forgotten").atMost(Duration.ofSeconds(10)).until(
                    () -> relay.relay.metric("waystation_policy_clients{policy=\"any\"}") == 0
                            && relay.relay.metric("waystation_policy_resultant_policies") == 1);
        } finally {
            release.countDown();
            webhook.stop(0);
        }
    }
}

package dev.waystation.relay.admission;

import static dev.waystation.relay.testing.PolicyDocs.document;
import static dev.waystation.relay.testing.PolicyDocs.list;
import static dev.waystation.relay.testing.PolicyDocs.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.sun.net.httpserver.HttpServer;

import dev.waystation.relay.testing.PolicyFileRelay;
import dev.waystation.testing.GoCheck;

/**
 * The admission webhook outcome table, with fail-open on and off, against a webhook server written
 * here and clients built on Tailscale's {@code derphttp}. Only transport errors (timeout, refused)
 * may be admitted, and only with fail-open; a non-200 or {@code Allow:false} always rejects.
 */
class AdmissionWebhookIT {

    private static final String REGION = "Profile(default)";

    private static HttpServer webhook;
    private static PolicyFileRelay relay;
    private static int refusedPort;
    private static final AtomicInteger allowCalls = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.setExecutor(Executors.newCachedThreadPool());
        webhook.createContext("/allow", exchange -> {
            allowCalls.incrementAndGet();
            answer(exchange, 200, "{\"Allow\":true}");
        });
        webhook.createContext("/deny", exchange -> answer(exchange, 200, "{\"Allow\":false}"));
        webhook.createContext("/error", exchange -> answer(exchange, 500, "{\"Allow\":true}"));
        webhook.createContext("/timeout", exchange -> {
            try {
                Thread.sleep(8000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "{\"Allow\":true}");
        });
        webhook.start();
        try (ServerSocket socket = new ServerSocket(0)) {
            refusedPort = socket.getLocalPort();
        }
        relay = PolicyFileRelay.start(document(source("webhook", "Device", "STUN.Enabled: true")), Map.of());
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
            throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    private static String url(String behaviour) {
        return "refused".equals(behaviour) ? "http://127.0.0.1:" + refusedPort + "/allow"
                : "http://127.0.0.1:" + webhook.getAddress().getPort() + "/" + behaviour;
    }

    @ParameterizedTest(name = "webhook {0}, fail-open {1}: admitted {2} ({3})")
    @CsvSource({
        "allow,   false, true,  admitted",
        "allow,   true,  true,  admitted",
        "deny,    false, false, webhook_denied",
        "deny,    true,  false, webhook_denied",
        "error,   false, false, webhook_bad_status",
        "error,   true,  false, webhook_bad_status",
        "timeout, false, false, webhook_unreachable",
        "timeout, true,  true,  webhook_unreachable_fail_open",
        "refused, false, false, webhook_unreachable",
        "refused, true,  true,  webhook_unreachable_fail_open",
    })
    void outcomeTable(String behaviour, boolean failOpen, boolean admitted, String reason) {
        relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url(behaviour) + "'",
                "Admission.VerifyURLFailOpen: " + failOpen)));
        relay.awaitSetting(REGION, "Admission.VerifyURL", "\"" + url(behaviour) + "\"");
        relay.awaitSetting(REGION, "Admission.VerifyURLFailOpen", Boolean.toString(failOpen));
        String decisions = "waystation_admission_decisions_total{reason=\"" + reason + "\",result=\""
                + (admitted ? "admitted" : "rejected") + "\"}";
        double before = relay.relay.metric(decisions);

        String key = PolicyFileRelay.newKeyPair().get(0);
        assertThat(relay.tryConnect(key)).as("admitted with webhook %s, fail-open %s", behaviour, failOpen)
                .isEqualTo(admitted);
        assertThat(relay.relay.metric(decisions)).as(decisions).isEqualTo(before + 1);
    }

    @Test
    void theListsDecideBeforeTheWebhookIsAsked() {
        List<String> denied = PolicyFileRelay.newKeyPair();
        List<String> listed = PolicyFileRelay.newKeyPair();
        relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url("allow") + "'",
                "Admission.DeniedClients: " + list(List.of(denied.get(1))),
                "Admission.AllowedClients: " + list(List.of(denied.get(1), listed.get(1))))));
        relay.awaitSetting(REGION, "Admission.VerifyURL", "\"" + url("allow") + "\"");
        relay.awaitSetting(REGION, "Admission.DeniedClients", "[\"" + denied.get(1) + "\"]");
        String denyList = "waystation_admission_decisions_total{reason=\"deny_list\",result=\"rejected\"}";
        double deniedBefore = relay.relay.metric(denyList);
        int callsBefore = allowCalls.get();

        assertThat(relay.tryConnect(denied.get(0))).as("a key on both lists").isFalse();
        assertThat(relay.relay.metric(denyList)).as("the deny list decided").isEqualTo(deniedBefore + 1);
        assertThat(relay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).as("a key on neither list").isFalse();
        assertThat(allowCalls.get()).as("webhook calls for clients the lists refused").isEqualTo(callsBefore);

        assertThat(relay.tryConnect(listed.get(0))).as("an allowed key the webhook admits").isTrue();
        assertThat(allowCalls.get()).as("webhook asked once for the allowed key").isEqualTo(callsBefore + 1);
    }

    @Test
    void aWebhookChangeAsksAgainAboutConnectedClients() throws Exception {
        relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url("allow") + "'")));
        relay.awaitSetting(REGION, "Admission.VerifyURL", "\"" + url("allow") + "\"");
        List<String> client = PolicyFileRelay.newKeyPair();
        try (GoCheck.Running held = GoCheck.holdConnection(relay.relay.derpUrl(), client.get(0), 60)) {
            relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url("deny") + "'")));
            Awaitility.await("disconnected once the new webhook denies it").atMost(Duration.ofSeconds(15))
                    .until(() -> held.said("DISCONNECTED"));
        }
    }
}

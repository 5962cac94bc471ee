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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
 * here and clients built on Tailscale's {@code derphttp}. Only a genuine outage of the webhook
 * (refused, or past the call's absolute deadline, trickling included) may be admitted, and only with
 * fail-open; a non-200, {@code Allow:false}, an answer over 4 KiB, a URL the policy does not allow,
 * or the relay's own webhook queue being full always rejects. The relay runs with a tiny webhook
 * pool and queue so a burst of handshakes overflows them.
 */
class AdmissionWebhookIT {

    private static final String REGION = "Profile(default)";
    private static final long HUGE = 300L << 20;
    private static final int FLOOD = 24;
    private static final int POOL = 2;
    private static final int QUEUE = 2;
    private static final String HTTP_ALLOWED = "Admission.VerifyURLAllowHTTP: true";

    private static HttpServer webhook;
    private static PolicyFileRelay relay;
    private static int refusedPort;
    private static final AtomicInteger allowCalls = new AtomicInteger();
    private static final AtomicLong hugeBytesWritten = new AtomicLong();
    private static final AtomicInteger heldCalls = new AtomicInteger();
    private static volatile CountDownLatch release = new CountDownLatch(0);

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
        webhook.createContext("/huge", AdmissionWebhookIT::streamHuge);
        webhook.createContext("/trickle", AdmissionWebhookIT::trickle);
        webhook.createContext("/held-deny", exchange -> {
            heldCalls.incrementAndGet();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "{\"Allow\":false}");
        });
        webhook.start();
        try (ServerSocket socket = new ServerSocket(0)) {
            refusedPort = socket.getLocalPort();
        }
        relay = PolicyFileRelay.start(document(source("webhook", "Device", "STUN.Enabled: true")), Map.of(
                "waystation.admission.webhook.max-connections", Integer.toString(POOL),
                "waystation.admission.webhook.max-queued", Integer.toString(QUEUE),
                "waystation.admission.webhook.queue-timeout", "60s",
                "waystation.admission.webhook.timeout", "2s"));
    }

    /** 300 MB announced and streamed after a valid answer, until the relay hangs up. */
    private static void streamHuge(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, HUGE);
        byte[] chunk = " ".repeat(64 << 10).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write("{\"Allow\":true}".getBytes(StandardCharsets.US_ASCII));
            for (long sent = 0; sent + chunk.length <= HUGE; sent += chunk.length) {
                out.write(chunk);
                hugeBytesWritten.addAndGet(chunk.length);
            }
        } catch (IOException hungUp) {
            // the relay stopped reading: what this endpoint is here to show
        }
    }

    /** A valid answer, one byte every 200 ms, never finished in time. */
    private static void trickle(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (byte b : "{\"Allow\":true}                                        ".getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
                Thread.sleep(200);
            }
        } catch (IOException | InterruptedException hungUp) {
            // the relay's deadline passed and it hung up
        }
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
        "trickle, false, false, webhook_unreachable",
        "trickle, true,  true,  webhook_unreachable_fail_open",
        "huge,    false, false, webhook_answer_too_large",
        "huge,    true,  false, webhook_answer_too_large",
    })
    void outcomeTable(String behaviour, boolean failOpen, boolean admitted, String reason) {
        relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url(behaviour) + "'",
                HTTP_ALLOWED, "Admission.VerifyURLFailOpen: " + failOpen)));
        relay.awaitSetting(REGION, "Admission.VerifyURL", "\"" + url(behaviour) + "\"");
        relay.awaitSetting(REGION, "Admission.VerifyURLFailOpen", Boolean.toString(failOpen));
        String decisions = "waystation_admission_decisions_total{reason=\"" + reason + "\",result=\""
                + (admitted ? "admitted" : "rejected") + "\"}";
        double before = relay.relay.metric(decisions);

        String key = PolicyFileRelay.newKeyPair().get(0);
        assertThat(relay.tryConnect(key)).as("admitted with webhook %s, fail-open %s", behaviour, failOpen)
                .isEqualTo(admitted);
        assertThat(relay.relay.metric(decisions)).as(decisions).isEqualTo(before + 1);
        if (behaviour.equals("huge")) {
            assertThat(hugeBytesWritten.get()).as("bytes of the 300 MB answer sent before the relay hung up")
                    .isLessThan(HUGE);
        }
    }

    @Test
    void plainHttpIsRefusedWithoutTheFlagEvenWithFailOpen() {
        relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url("allow") + "'",
                "Admission.VerifyURLFailOpen: true")));
        relay.awaitSetting(REGION, "Admission.VerifyURL", "\"" + url("allow") + "\"");
        relay.awaitSetting(REGION, "Admission.VerifyURLAllowHTTP", "false");
        String refused = "waystation_admission_decisions_total{reason=\"webhook_url_not_allowed\",result=\"rejected\"}";
        double before = relay.relay.metric(refused);
        int callsBefore = allowCalls.get();

        assertThat(relay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).isFalse();
        assertThat(relay.relay.metric(refused)).isEqualTo(before + 1);
        assertThat(allowCalls.get()).as("the webhook was never called").isEqualTo(callsBefore);
    }

    @Test
    void aHandshakeFloodWithFailOpenNeverAdmitsAKeyTheWebhookDenies() {
        relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url("held-deny") + "'",
                HTTP_ALLOWED, "Admission.VerifyURLFailOpen: true")));
        relay.awaitSetting(REGION, "Admission.VerifyURL", "\"" + url("held-deny") + "\"");
        relay.awaitSetting(REGION, "Admission.VerifyURLFailOpen", "true");
        String overloaded = "waystation_admission_decisions_total{reason=\"webhook_overloaded\",result=\"rejected\"}";
        String denied = "waystation_admission_decisions_total{reason=\"webhook_denied\",result=\"rejected\"}";
        double overloadedBefore = relay.relay.metric(overloaded);
        double deniedBefore = relay.relay.metric(denied);
        release = new CountDownLatch(1);
        heldCalls.set(0);

        List<String> keys = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            keys.add(PolicyFileRelay.newKeyPair().get(0));
        }
        List<String> args = new ArrayList<>(List.of("trymany", relay.relay.derpUrl(), "90"));
        args.addAll(keys);
        try (GoCheck.Running flood = GoCheck.start("derpclient", args.toArray(String[]::new))) {
            // The webhook holds every call: the pool fills, then the queue, then the rest overflow.
            Awaitility.await("the checks beyond the pool and queue rejected as local overload")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> relay.relay.metric(overloaded) - overloadedBefore >= FLOOD - POOL - QUEUE);
            Awaitility.await("the pool's calls reached the webhook").atMost(Duration.ofSeconds(60))
                    .until(() -> heldCalls.get() == POOL);
            release.countDown();
            GoCheck.Result result = flood.await(90);
            assertThat(result.output()).contains("DONE").doesNotContain("ADMITTED");
        } finally {
            release.countDown();
        }
        assertThat(relay.relay.metric(overloaded) - overloadedBefore).isEqualTo(FLOOD - POOL - QUEUE);
        assertThat(relay.relay.metric(denied) - deniedBefore).isEqualTo(POOL + QUEUE);

        relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url("allow") + "'",
                HTTP_ALLOWED, "Admission.VerifyURLFailOpen: true")));
        relay.awaitSetting(REGION, "Admission.VerifyURL", "\"" + url("allow") + "\"");
        assertThat(relay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).as("a healthy webhook admits again")
                .isTrue();
    }

    @Test
    void theListsDecideBeforeTheWebhookIsAsked() {
        List<String> denied = PolicyFileRelay.newKeyPair();
        List<String> listed = PolicyFileRelay.newKeyPair();
        relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url("allow") + "'",
                HTTP_ALLOWED, "Admission.DeniedClients: " + list(List.of(denied.get(1))),
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
    void aWebhookThatCannotBeReachedAfterAChangeKeepsConnectedClients() throws Exception {
        relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url("allow") + "'",
                HTTP_ALLOWED)));
        relay.awaitSetting(REGION, "Admission.VerifyURL", "\"" + url("allow") + "\"");
        String kept = "waystation_admission_reverify_kept_total";
        List<String> client = PolicyFileRelay.newKeyPair();
        try (GoCheck.Running held = GoCheck.holdConnection(relay.relay.derpUrl(), client.get(0), 60)) {
            Awaitility.await("connected").atMost(Duration.ofSeconds(30)).until(() -> held.said("CONNECTED"));
            double before = relay.relay.metric(kept);
            relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url("refused") + "'",
                    HTTP_ALLOWED)));
            Awaitility.await("re-checked without an answer").atMost(Duration.ofSeconds(30))
                    .until(() -> relay.relay.metric(kept) > before);
            assertThat(held.said("DISCONNECTED")).as("disconnected although the webhook never answered").isFalse();
        }
    }

    @Test
    void aWebhookChangeAsksAgainAboutConnectedClients() throws Exception {
        relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url("allow") + "'",
                HTTP_ALLOWED)));
        relay.awaitSetting(REGION, "Admission.VerifyURL", "\"" + url("allow") + "\"");
        List<String> client = PolicyFileRelay.newKeyPair();
        try (GoCheck.Running held = GoCheck.holdConnection(relay.relay.derpUrl(), client.get(0), 60)) {
            relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url("deny") + "'",
                    HTTP_ALLOWED)));
            Awaitility.await("disconnected once the new webhook denies it").atMost(Duration.ofSeconds(15))
                    .until(() -> held.said("DISCONNECTED"));
        }
    }
}

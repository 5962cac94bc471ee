package dev.waystation.relay.admission;

import static dev.waystation.relay.testing.PolicyDocs.document;
import static dev.waystation.relay.testing.PolicyDocs.list;
import static dev.waystation.relay.testing.PolicyDocs.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.waystation.relay.testing.PolicyFileRelay;
import dev.waystation.relay.testing.TestWebhook;
import dev.waystation.relay.testing.TestWebhook.Behaviour;
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
    private static final int FLOOD = 24;
    private static final int POOL = 2;
    private static final int QUEUE = 2;
    private static final String HTTP_ALLOWED = "Admission.VerifyURLAllowHTTP: true";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestWebhook webhook;
    private static PolicyFileRelay relay;

    @BeforeAll
    static void start() throws Exception {
        webhook = TestWebhook.start();
        relay = PolicyFileRelay.start(document(source("webhook", "Device", "STUN.Enabled: true")), Map.of(
                "waystation.admission.webhook.max-connections", Integer.toString(POOL),
                "waystation.admission.webhook.max-queued", Integer.toString(QUEUE),
                "waystation.admission.webhook.queue-timeout", "60s",
                "waystation.admission.webhook.timeout", "2s"));
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
        if (webhook != null) {
            webhook.close();
        }
    }

    /**
     * Writes a policy with this webhook and these admission settings (the others at their defaults)
     * and waits until every admission setting is in force as written. Waiting for the webhook URL
     * alone is not enough: the previous test may have left the same URL with other flags or lists.
     */
    private static void useWebhook(String verifyUrl, boolean allowHttp, boolean failOpen, List<String> deniedKeys,
            List<String> allowedKeys) {
        List<String> settings = new ArrayList<>(List.of("Admission.VerifyURL: '" + verifyUrl + "'"));
        if (allowHttp) {
            settings.add(HTTP_ALLOWED);
        }
        if (failOpen) {
            settings.add("Admission.VerifyURLFailOpen: true");
        }
        if (!deniedKeys.isEmpty()) {
            settings.add("Admission.DeniedClients: " + list(deniedKeys));
        }
        if (!allowedKeys.isEmpty()) {
            settings.add("Admission.AllowedClients: " + list(allowedKeys));
        }
        relay.writePolicy(document(source("webhook", "Device", settings.toArray(String[]::new))));
        relay.awaitSetting(REGION, "Admission.VerifyURL", JSON.valueToTree(verifyUrl).toString());
        relay.awaitSetting(REGION, "Admission.VerifyURLAllowHTTP", Boolean.toString(allowHttp));
        relay.awaitSetting(REGION, "Admission.VerifyURLFailOpen", Boolean.toString(failOpen));
        relay.awaitSetting(REGION, "Admission.DeniedClients", JSON.valueToTree(deniedKeys).toString());
        relay.awaitSetting(REGION, "Admission.AllowedClients", JSON.valueToTree(allowedKeys).toString());
    }

    private static String url(String behaviour) {
        return "refused".equals(behaviour) ? webhook.refusedUrl()
                : webhook.url(Behaviour.valueOf(behaviour.toUpperCase(Locale.ROOT).replace('-', '_')));
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
        useWebhook(url(behaviour), true, failOpen, List.of(), List.of());
        String decisions = "waystation_admission_decisions_total{reason=\"" + reason + "\",result=\""
                + (admitted ? "admitted" : "rejected") + "\"}";
        double before = relay.relay.metric(decisions);

        String key = PolicyFileRelay.newKeyPair().get(0);
        assertThat(relay.tryConnect(key)).as("admitted with webhook %s, fail-open %s", behaviour, failOpen)
                .isEqualTo(admitted);
        assertThat(relay.relay.metric(decisions)).as(decisions).isEqualTo(before + 1);
        if (behaviour.equals("huge")) {
            assertThat(webhook.hugeBytesWritten()).as("bytes of the 300 MB answer sent before the relay hung up")
                    .isLessThan(TestWebhook.HUGE_BYTES);
        }
    }

    @Test
    void plainHttpIsRefusedWithoutTheFlagEvenWithFailOpen() {
        useWebhook(url("allow"), false, true, List.of(), List.of());
        String refused = "waystation_admission_decisions_total{reason=\"webhook_url_not_allowed\",result=\"rejected\"}";
        double before = relay.relay.metric(refused);
        int callsBefore = webhook.calls(Behaviour.ALLOW);

        assertThat(relay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).isFalse();
        assertThat(relay.relay.metric(refused)).isEqualTo(before + 1);
        assertThat(webhook.calls(Behaviour.ALLOW)).as("the webhook was never called").isEqualTo(callsBefore);
    }

    @Test
    void aHandshakeFloodWithFailOpenNeverAdmitsAKeyTheWebhookDenies() {
        useWebhook(url("held-deny"), true, true, List.of(), List.of());
        String overloaded = "waystation_admission_decisions_total{reason=\"webhook_overloaded\",result=\"rejected\"}";
        String denied = "waystation_admission_decisions_total{reason=\"webhook_denied\",result=\"rejected\"}";
        double overloadedBefore = relay.relay.metric(overloaded);
        double deniedBefore = relay.relay.metric(denied);
        webhook.holdCalls();
        int heldBefore = webhook.calls(Behaviour.HELD_DENY);

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
                    .until(() -> webhook.calls(Behaviour.HELD_DENY) - heldBefore == POOL);
            webhook.releaseHeld();
            GoCheck.Result result = flood.await(90);
            assertThat(result.output()).contains("DONE").doesNotContain("ADMITTED");
        } finally {
            webhook.releaseHeld();
        }
        assertThat(relay.relay.metric(overloaded) - overloadedBefore).isEqualTo(FLOOD - POOL - QUEUE);
        assertThat(relay.relay.metric(denied) - deniedBefore).isEqualTo(POOL + QUEUE);

        useWebhook(url("allow"), true, true, List.of(), List.of());
        assertThat(relay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).as("a healthy webhook admits again")
                .isTrue();
    }

    @Test
    void theListsDecideBeforeTheWebhookIsAsked() {
        List<String> denied = PolicyFileRelay.newKeyPair();
        List<String> listed = PolicyFileRelay.newKeyPair();
        useWebhook(url("allow"), true, false, List.of(denied.get(1)), List.of(denied.get(1), listed.get(1)));
        String denyList = "waystation_admission_decisions_total{reason=\"deny_list\",result=\"rejected\"}";
        double deniedBefore = relay.relay.metric(denyList);
        int callsBefore = webhook.calls(Behaviour.ALLOW);

        assertThat(relay.tryConnect(denied.get(0))).as("a key on both lists").isFalse();
        assertThat(relay.relay.metric(denyList)).as("the deny list decided").isEqualTo(deniedBefore + 1);
        assertThat(relay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).as("a key on neither list").isFalse();
        assertThat(webhook.calls(Behaviour.ALLOW)).as("webhook calls for clients the lists refused").isEqualTo(callsBefore);

        assertThat(relay.tryConnect(listed.get(0))).as("an allowed key the webhook admits").isTrue();
        assertThat(webhook.calls(Behaviour.ALLOW)).as("webhook asked once for the allowed key").isEqualTo(callsBefore + 1);
    }

    @Test
    void aWebhookThatCannotBeReachedAfterAChangeKeepsConnectedClients() throws Exception {
        useWebhook(url("allow"), true, false, List.of(), List.of());
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
        useWebhook(url("allow"), true, false, List.of(), List.of());
        List<String> client = PolicyFileRelay.newKeyPair();
        try (GoCheck.Running held = GoCheck.holdConnection(relay.relay.derpUrl(), client.get(0), 60)) {
            relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url("deny") + "'",
                    HTTP_ALLOWED)));
            Awaitility.await("disconnected once the new webhook denies it").atMost(Duration.ofSeconds(15))
                    .until(() -> held.said("DISCONNECTED"));
        }
    }
}

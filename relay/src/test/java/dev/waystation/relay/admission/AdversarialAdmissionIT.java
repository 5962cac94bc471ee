package dev.waystation.relay.admission;

import static dev.waystation.relay.testing.PolicyDocs.document;
import static dev.waystation.relay.testing.PolicyDocs.list;
import static dev.waystation.relay.testing.PolicyDocs.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.waystation.relay.testing.AdversarialSuite;
import dev.waystation.relay.testing.PolicyFileRelay;
import dev.waystation.relay.testing.TestWebhook;
import dev.waystation.relay.testing.TestWebhook.Behaviour;
import dev.waystation.testing.GoCheck;

/**
 * Attacks on admission and on the relay's policy input (webhook answers, policy file, per-client
 * state, accept rate), each bounded in count and time, inside the small-memory frame of
 * {@link AdversarialSuite}: a pair of Tailscale {@code derphttp} clients keeps exchanging and heap
 * and direct memory come back after each. The relay asks a webhook about every client, with
 * fail-open ON (the harshest setting), and denies one key by its deny list written in upper case.
 * Whatever the attack, that key and every key the webhook denies are never admitted.
 */
class AdversarialAdmissionIT extends AdversarialSuite {

    private static final String REGION = "Profile(default)";
    private static final int POOL = 4;
    private static final int QUEUE = 4;
    private static final int FLOOD = 24;
    private static final int ACCEPT_SOURCES_MAX = 64;
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String HTTP_ALLOWED = "Admission.VerifyURLAllowHTTP: true";
    private static final String ADMITTED = "waystation_admission_decisions_total{reason=\"admitted\",result=\"admitted\"}";
    private static final String FAILED_OPEN =
            "waystation_admission_decisions_total{reason=\"webhook_unreachable_fail_open\",result=\"admitted\"}";
    private static final String RELOAD_ERRORS = "waystation_policy_reloads_total{result=\"error\"}";

    private final TestWebhook webhook = TestWebhook.start();
    private final List<String> denied = PolicyFileRelay.newKeyPair();

    @Override
    protected Map<String, String> relayConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("waystation.admission.webhook.max-connections", Integer.toString(POOL));
        config.put("waystation.admission.webhook.max-queued", Integer.toString(QUEUE));
        config.put("waystation.admission.webhook.queue-timeout", "30s");
        // Longer than a held flood needs before its release, so no held check runs into the deadline.
        config.put("waystation.admission.webhook.timeout", "8s");
        config.put("waystation.admission.accept-sources-max", Integer.toString(ACCEPT_SOURCES_MAX));
        return config;
    }

    @Override
    protected String initialPolicy() {
        return basePolicy();
    }

    /** Webhook by key, fail-open on, the denied key listed in upper case (lists match it all the same). */
    private String basePolicy(String... extraSettings) {
        List<String> settings = new ArrayList<>(List.of("Admission.VerifyURL: '" + webhook.byKeyUrl() + "'",
                HTTP_ALLOWED, "Admission.VerifyURLFailOpen: true",
                "Admission.DeniedClients: " + list(List.of(upperCase(denied.get(1))))));
        settings.addAll(List.of(extraSettings));
        return document(source("adversarial", "Device", settings.toArray(String[]::new)));
    }

    private static String upperCase(String nodeKey) {
        return "nodekey:" + nodeKey.substring("nodekey:".length()).toUpperCase(Locale.ROOT);
    }

    /** After every attack (before the suite's checks): the base policy is back and the denied key still denied. */
    @AfterEach
    void deniedKeyStillDenied() throws IOException {
        policyRelay.writePolicy(basePolicy());
        Awaitility.await("the base policy in force").atMost(BOUND).until(() -> policyRelay.documentError(REGION)
                .isEmpty() && relay.setting(REGION, "Admission.AcceptRatePerSecond").path("value").asDouble() == 0
                && ("[\"" + denied.get(1) + "\"]").equals(
                        relay.setting(REGION, "Admission.DeniedClients").path("value").toString()));
        assertThat(policyRelay.tryConnect(denied.get(0))).as("the denied key after the attack").isFalse();
    }

    @AfterAll
    void stopWebhook() {
        webhook.close();
    }

    // ------------------------------------------------------------------ row 5: 300 MB answer

    @Test
    void aHugeWebhookAnswerIsRefusedEvenWithFailOpen() {
        String tooLarge = "waystation_admission_decisions_total{reason=\"webhook_answer_too_large\",result=\"rejected\"}";
        double before = relay.metric(tooLarge);
        List<String> key = PolicyFileRelay.newKeyPair();
        webhook.assign(key.get(1), Behaviour.HUGE);

        assertThat(policyRelay.tryConnect(key.get(0))).as("a key whose webhook answer is 300 MB").isFalse();
        assertThat(relay.metric(tooLarge)).isEqualTo(before + 1);
        assertThat(webhook.hugeBytesWritten()).as("bytes sent before the relay hung up")
                .isLessThan(TestWebhook.HUGE_BYTES);
    }

    // ------------------------------------------------------------------ row 8: trickling answer

    @Test
    void aTricklingWebhookMeetsTheAbsoluteDeadline() {
        // A webhook that never finishes in time is an outage: with fail-open on the client is let in,
        // after the call's deadline rather than never.
        double before = relay.metric(FAILED_OPEN);
        List<String> key = PolicyFileRelay.newKeyPair();
        webhook.assign(key.get(1), Behaviour.TRICKLE);

        assertThat(policyRelay.tryConnect(key.get(0))).as("a key whose webhook trickles").isTrue();
        assertThat(relay.metric(FAILED_OPEN)).isEqualTo(before + 1);
    }

    // ------------------------------------------------------------------ rows 6 and 12: flood, churn

    @Test
    void aHandshakeFloodNeverFailsOpenAndClientsClosingMidCheckLeaveNoState() throws Exception {
        String overloaded = "waystation_admission_decisions_total{reason=\"webhook_overloaded\",result=\"rejected\"}";
        String clients = "waystation_policy_clients{policy=\"any\"}";
        String resultant = "waystation_policy_resultant_policies";
        double overloadedBefore = relay.metric(overloaded);
        double admittedBefore = relay.metric(ADMITTED) + relay.metric(FAILED_OPEN);
        double clientsBefore = relay.metric(clients);
        double resultantBefore = relay.metric(resultant);
        int heldBefore = webhook.calls(Behaviour.HELD_DENY);
        webhook.holdCalls();
        List<String> args = new ArrayList<>(List.of("trymany", relay.derpUrl(), "60"));
        for (int i = 0; i < FLOOD; i++) {
            List<String> key = PolicyFileRelay.newKeyPair();
            webhook.assign(key.get(1), Behaviour.HELD_DENY);
            args.add(key.get(0));
        }
        try (GoCheck.Running flood = GoCheck.start("derpclient", args.toArray(String[]::new))) {
            // The webhook holds every call: the pool fills, then the queue, the rest is local overload.
            Awaitility.await("the checks beyond pool and queue rejected as overload").atMost(BOUND)
                    .until(() -> relay.metric(overloaded) - overloadedBefore >= FLOOD - POOL - QUEUE
                            && webhook.calls(Behaviour.HELD_DENY) - heldBefore == POOL);
            assertThat(flood.output()).doesNotContain("ADMITTED");
            // Every client still waiting goes away while its check is in flight or queued.
            flood.process().destroyForcibly();
        } finally {
            webhook.releaseHeld();
        }
        Awaitility.await("every held check answered and nothing left for the gone clients").atMost(BOUND)
                .until(() -> webhook.calls(Behaviour.HELD_DENY) - heldBefore >= POOL
                        && relay.metric("waystation_admission_webhook_in_flight") == 0
                        && relay.metric("waystation_admission_webhook_queued") == 0
                        && relay.metric(clients) == clientsBefore && relay.metric(resultant) == resultantBefore);
        assertThat(relay.metric(overloaded) - overloadedBefore).isEqualTo(FLOOD - POOL - QUEUE);
        assertThat(relay.metric(ADMITTED) + relay.metric(FAILED_OPEN)).as("clients admitted during the flood")
                .isEqualTo(admittedBefore);
    }

    // ------------------------------------------------------------------ row 7: webhook change, no answer

    @Test
    void aWebhookChangeWithoutAnswerKeepsTheConnectedPair() {
        String kept = "waystation_admission_reverify_kept_total";
        double before = relay.metric(kept);
        policyRelay.writePolicy(document(source("adversarial", "Device",
                "Admission.VerifyURL: '" + webhook.refusedUrl() + "'", HTTP_ALLOWED,
                "Admission.DeniedClients: " + list(List.of(denied.get(1))))));
        // Both clients of the pair are asked about again; the webhook is gone, so both are kept.
        Awaitility.await("the pair re-checked without an answer").atMost(BOUND)
                .until(() -> relay.metric(kept) >= before + 2);
        pair().awaitMoreRounds(5, BOUND);
    }

    // ------------------------------------------------------------------ row 9: list elements

    @Test
    void aBadDenyListElementKeepsTheLastGoodList() throws IOException {
        policyRelay.writePolicy(basePolicy().replace("Admission.DeniedClients: ['" + upperCase(denied.get(1)) + "'",
                "Admission.DeniedClients: ['" + upperCase(denied.get(1)) + "', 'nodekey:TYPO'"));
        Awaitility.await("the bad element named").atMost(BOUND).until(() -> relay.policy(REGION).path("sources")
                .toString().contains("nodekey:TYPO"));
        assertThat(relay.policy(REGION).path("sources").toString()).contains("keeping the last good value");
        assertThat(policyRelay.tryConnect(denied.get(0))).as("the denied key while its list is broken").isFalse();
    }

    // ------------------------------------------------------------------ row 10: policy file abuse

    @Test
    void anOversizedPolicyFileWrittenInPlaceIsRefused() throws Exception {
        double errors = relay.metric(RELOAD_ERRORS);
        byte[] line = ("# " + "x".repeat(1021) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(policyRelay.file(), StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(document(source("open", "Device", "STUN.Enabled: true")).getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 16 * 1024; i++) {
                out.write(line);
            }
        }
        Awaitility.await("the 16 MiB file refused, counted as a failed reload").atMost(BOUND)
                .until(() -> policyRelay.documentError(REGION).contains("over the limit")
                        && relay.metric(RELOAD_ERRORS) > errors);
        assertThat(policyRelay.tryConnect(denied.get(0))).as("the denied key while the file is huge").isFalse();
    }

    @Test
    void aPolicyFileBeingWrittenIsNeverAppliedHalfWritten() throws Exception {
        // Written in place, a piece every 50 ms: every prefix of it lacks the deny list (it comes last)
        // or is broken YAML; neither may be applied.
        String padded = basePolicy().replace("mandatory:\n", "mandatory:\n" + "      # padding\n".repeat(20));
        byte[] bytes = padded.getBytes(StandardCharsets.US_ASCII);
        double errors = relay.metric(RELOAD_ERRORS);
        String deniedList = "[\"" + denied.get(1) + "\"]";
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger written = new AtomicInteger();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try (OutputStream out = Files.newOutputStream(policyRelay.file(), StandardOpenOption.TRUNCATE_EXISTING)) {
            try {
                // The careless writer's pace (what this attack is): a piece every 50 ms.
                writer.scheduleAtFixedRate(() -> {
                    int from = written.get();
                    if (from < bytes.length) {
                        try {
                            out.write(bytes, from, Math.min(16, bytes.length - from));
                            out.flush();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        written.set(Math.min(bytes.length, from + 16));
                    }
                }, 0, 50, TimeUnit.MILLISECONDS);
                // The deny list in force is read all along, until the last piece is written.
                Awaitility.await("the policy file written piece by piece").atMost(BOUND)
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> {
                            seen.add(relay.setting(REGION, "Admission.DeniedClients").path("value").toString());
                            return written.get() == bytes.length;
                        });
            } finally {
                writer.shutdownNow();
                writer.awaitTermination(BOUND.toSeconds(), TimeUnit.SECONDS);
            }
        }
        assertThat(seen).as("deny lists in force while the file was half written").containsOnly(deniedList);
        assertThat(relay.metric(RELOAD_ERRORS)).as("reload errors (a half file read)").isEqualTo(errors);
    }

    @Test
    void anAliasBombAndBrokenYamlKeepTheLastGoodPolicy() throws Exception {
        // Nine levels of nine aliases each: 387 million strings if expanded.
        StringBuilder bomb = new StringBuilder("version: 1\nlaughs:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            String prev = "*a" + (i - 1);
            bomb.append("  a").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", Collections.nCopies(9, prev))).append("]\n");
        }
        bomb.append(source("bomb", "Device", "Admission.DeniedClients: *a9").replace("  - name", "sources:\n  - name"));
        for (String attack : List.of(bomb.toString(), "version: 1\nsources: [ {name: x, scope: 'Device', mandatory: {")) {
            double errors = relay.metric(RELOAD_ERRORS);
            policyRelay.writePolicy(attack);
            Awaitility.await("the bad document refused").atMost(BOUND)
                    .until(() -> !policyRelay.documentError(REGION).isEmpty() && relay.metric(RELOAD_ERRORS) > errors);
            assertThat(policyRelay.tryConnect(denied.get(0))).as("the denied key after:\n%s", attack.length() > 200
                    ? attack.substring(0, 200) : attack).isFalse();
            policyRelay.writePolicy(basePolicy());
            Awaitility.await("healthy again").atMost(BOUND).until(() -> policyRelay.documentError(REGION).isEmpty());
        }
    }

    // ------------------------------------------------------------------ accept-rate floods

    @Test
    void acceptFloodsFromOneSourceAndFromManyAreBounded() throws Exception {
        String rejected = "tls_listener_rejected_connections_total";
        String sources = "waystation_admission_accept_sources";
        double rejectedBefore = relay.metric(rejected);
        double evictedBefore = relay.metric("waystation_admission_accept_sources_evicted_total");
        policyRelay.writePolicy(basePolicy("Admission.AcceptRatePerSecond: 20", "Admission.AcceptBurst: 20"));
        relay.awaitSetting(REGION, "Admission.AcceptRatePerSecond", "20");
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                sockets.add(connectFrom(InetAddress.getByName("127.0.0.1")));
            }
            // A different source network for every connection: the bucket table stays bounded.
            for (int i = 0; i < 3 * ACCEPT_SOURCES_MAX; i++) {
                sockets.add(connectFrom(InetAddress.getByAddress(new byte[] {127, 1, (byte) (i >> 8), (byte) (i + 1)})));
            }
            Awaitility.await("the excess from one source refused, the table bounded").atMost(BOUND)
                    .until(() -> relay.metric(rejected) > rejectedBefore
                            && relay.metric("waystation_admission_accept_sources_evicted_total") > evictedBefore);
            assertThat(relay.metric(rejected)).isGreaterThan(rejectedBefore);
            assertThat(relay.metric(sources)).isLessThanOrEqualTo(ACCEPT_SOURCES_MAX);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private Socket connectFrom(InetAddress local) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(local, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", relay.derpPort()), 5000);
        return socket;
    }
}

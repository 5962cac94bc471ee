package dev.waystation.relay.policy.kubernetes;

import static dev.waystation.relay.testing.PolicyDocs.document;
import static dev.waystation.relay.testing.PolicyDocs.list;
import static dev.waystation.relay.testing.PolicyDocs.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.waystation.relay.testing.AdversarialSuite;
import dev.waystation.relay.testing.PolicyFileRelay;
import dev.waystation.testing.Closer;
import dev.waystation.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Attacks on the relay's policy ConfigMap (deleted, churned, near the API server's size limit) inside
 * the small-memory frame of {@link AdversarialSuite}: the relay watches its policy ConfigMap on a
 * real API server ({@link TestCluster}) and denies one key by the ConfigMap's deny list, while a pair
 * of Tailscale {@code derphttp} clients keeps exchanging. Whatever happens to the ConfigMap, the last
 * good policy stays in force and the denied key is never admitted. (The suite's policy file stays an
 * empty document: here the policy comes from Kubernetes.)
 */
class AdversarialConfigMapIT extends AdversarialSuite {

    private static final String NS = "relay-adversarial-it";
    private static final String CONFIG_MAP = "default-policy";
    private static final String DOCUMENT = "configmap " + NS + "/" + CONFIG_MAP;
    private static final String REGION = "Profile(default)";
    private static final String DENIED = "Admission.DeniedClients";
    private static final String DENY_LIST_REJECTIONS =
            "waystation_admission_decisions_total{reason=\"deny_list\",result=\"rejected\"}";
    private static final String RELOAD_ERRORS = "waystation_policy_reloads_total{result=\"error\"}";
    private static final Duration BOUND = Duration.ofSeconds(30);
    /** Updates in the churn: alternately a good and a broken document. */
    private static final int CHURN_UPDATES = 200;
    /** What the API server admits in a ConfigMap's data (all keys together). */
    private static final int CONFIG_MAP_LIMIT = 1024 * 1024;

    private final List<String> denied = PolicyFileRelay.newKeyPair();
    private TestCluster cluster;
    private KubernetesClient client;

    @Override
    protected Map<String, String> relayConfig() {
        cluster = TestCluster.start();
        client = cluster.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        writeDocument(basePolicy(""));
        return Map.of(
                "waystation.policy.kubernetes.enabled", "true",
                "waystation.policy.kubernetes.namespace", NS,
                "waystation.policy.kubernetes.config-map", CONFIG_MAP,
                "waystation.policy.kubernetes.kubeconfig", cluster.kubeconfig().toString());
    }

    @Override
    protected String initialPolicy() {
        return "version: 1\n";
    }

    /** The deny list with the denied key; {@code padding} (YAML comment lines) makes versions differ or grow. */
    private String basePolicy(String padding) {
        return document(source("policy/" + NS + "/deny", "Device", DENIED + ": " + list(List.of(denied.get(1)))))
                + padding;
    }

    /** After every attack (before the suite's checks): the base ConfigMap is back and the denied key still denied. */
    @AfterEach
    void deniedKeyStillDenied() {
        writeDocument(basePolicy(""));
        Awaitility.await("the base ConfigMap in force").atMost(BOUND).until(() -> documentError().isEmpty()
                && relay.policy(REGION).path("healthy").asBoolean()
                && deniedList().equals(relay.setting(REGION, DENIED).path("value").toString()));
        assertRefusedByDenyList("the denied key after the attack");
    }

    @AfterAll
    void stopCluster() {
        Closer.closeAll(client, cluster);
    }

    // ------------------------------------------------------------------ row 11: ConfigMap deleted

    @Test
    void aDeletedConfigMapKeepsTheDenyList() throws IOException {
        double errors = relay.metric(RELOAD_ERRORS);
        client.configMaps().inNamespace(NS).withName(CONFIG_MAP).delete();

        Awaitility.await("the deletion reported, counted as a failed reload").atMost(BOUND)
                .until(() -> documentError().contains("was deleted") && relay.metric(RELOAD_ERRORS) > errors);
        assertThat(documentError()).contains("keeping the last good policy").contains("version: 1");
        assertRefusedByDenyList("the denied key without its ConfigMap");
        assertThat(policyRelay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).as("another key without the ConfigMap")
                .isTrue();
        assertThat(deniedSetting()).isEqualTo(deniedList());
    }

    // ------------------------------------------------------------------ ConfigMap churn

    @Test
    void aChurnedConfigMapNeverLosesTheLastGoodPolicy() throws Exception {
        double errors = relay.metric(RELOAD_ERRORS);
        AtomicBoolean churning = new AtomicBoolean(true);
        AtomicInteger attempts = new AtomicInteger();
        // Tries the denied key again and again while the ConfigMap churns: it must never get in.
        double rejectionsBefore = relay.metric(DENY_LIST_REJECTIONS);
        CompletableFuture<Boolean> everAdmitted = CompletableFuture.supplyAsync(() -> {
            boolean admitted = false;
            while (churning.get() || attempts.get() == 0) {
                admitted |= policyRelay.tryConnect(denied.get(0));
                attempts.incrementAndGet();
            }
            return admitted;
        });
        try {
            for (int i = 0; i < CHURN_UPDATES; i++) {
                // Odd updates are broken YAML; the last one (199) is broken, so the last good must hold.
                writeDocument(i % 2 == 0 ? basePolicy("# version " + i + "\n")
                        : "version: 1\nsources: [ {name: broken-" + i + ", scope: 'Device', mandatory: {");
                assertThat(deniedSetting()).as("the deny list after update %d", i).isEqualTo(deniedList());
            }
        } finally {
            churning.set(false);
        }
        assertThat(everAdmitted.get(BOUND.toSeconds(), TimeUnit.SECONDS))
                .as("the denied key admitted during the churn (%d tries)", attempts.get()).isFalse();
        Awaitility.await("every try counted as a deny-list rejection").atMost(BOUND)
                .until(() -> relay.metric(DENY_LIST_REJECTIONS) - rejectionsBefore == attempts.get());
        Awaitility.await("a broken version reported, counted as a failed reload").atMost(BOUND)
                .until(() -> !documentError().isEmpty() && relay.metric(RELOAD_ERRORS) > errors);
        assertThat(deniedSetting()).isEqualTo(deniedList());
        assertRefusedByDenyList("the denied key after the churn");
        assertThat(policyRelay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).as("another key after the churn")
                .isTrue();
        System.out.printf("churn: %d updates, %d tries of the denied key, %.0f failed reloads%n", CHURN_UPDATES,
                attempts.get(), relay.metric(RELOAD_ERRORS) - errors);
    }

    // ------------------------------------------------------------------ ConfigMap near the size limit

    @Test
    void aConfigMapNearTheSizeLimitIsAppliedOrRefusedWithoutHarm() throws IOException {
        int room = CONFIG_MAP_LIMIT - 4096;
        String commentLine = "# " + "x".repeat(1021) + "\n";
        String padding = commentLine.repeat(room / commentLine.length());

        // Just under the limit and valid: applied as any other version (the deny list stays).
        writeDocument(basePolicy(padding));
        Awaitility.await("the near-limit document applied").atMost(BOUND)
                .until(() -> documentError().isEmpty() && deniedList().equals(deniedSetting()));
        assertRefusedByDenyList("the denied key under a 1 MiB document");

        // Just under the limit and broken (a list never closed, its items an empty deny list): refused.
        double errors = relay.metric(RELOAD_ERRORS);
        String brokenItems = "'nodekey:" + "0".repeat(64) + "', ";
        String broken = document(source("policy/" + NS + "/deny", "Device", DENIED + ": ["))
                + brokenItems.repeat(room / brokenItems.length());
        writeDocument(broken);
        Awaitility.await("the near-limit broken document refused, counted as a failed reload").atMost(BOUND)
                .until(() -> !documentError().isEmpty() && relay.metric(RELOAD_ERRORS) > errors);
        assertThat(deniedSetting()).isEqualTo(deniedList());
        System.out.printf("near-limit broken document (%d bytes): error of %d chars%n", broken.length(),
                documentError().length());

        // Over the limit: the API server refuses it, the relay never sees it.
        String over = basePolicy(padding + padding);
        assertThat(over.length()).isGreaterThan(CONFIG_MAP_LIMIT);
        assertThat(catchThrowable(() -> writeDocument(over)))
                .isInstanceOf(KubernetesClientException.class);
        assertRefusedByDenyList("the denied key after the broken 1 MiB");
        assertThat(policyRelay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).as("another key after the broken 1 MiB")
                .isTrue();
    }

    // ------------------------------------------------------------------ helpers

    private void writeDocument(String yaml) {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName(CONFIG_MAP)
                .endMetadata().addToData("policy.yaml", yaml).build()).forceConflicts().serverSideApply();
    }

    /** The denied key tries to connect: refused, and by the deny list (not by some other failure). */
    private void assertRefusedByDenyList(String when) {
        double before = relay.metric(DENY_LIST_REJECTIONS);
        assertThat(policyRelay.tryConnect(denied.get(0))).as(when).isFalse();
        Awaitility.await("counted as a deny-list rejection: " + when).atMost(BOUND)
                .until(() -> relay.metric(DENY_LIST_REJECTIONS) == before + 1);
    }

    private String deniedList() {
        return "[\"" + denied.get(1) + "\"]";
    }

    private String deniedSetting() throws IOException {
        return relay.setting(REGION, DENIED).path("value").toString();
    }

    /** The ConfigMap document's error in {@code /debug/policy} ("" when it has none). */
    private String documentError() throws IOException {
        for (JsonNode document : relay.policy(REGION).path("documents")) {
            if (document.path("name").asText().equals(DOCUMENT)) {
                return document.path("error").asText("");
            }
        }
        throw new AssertionError("no ConfigMap document in /debug/policy: " + relay.policy(REGION));
    }
}

package dev.waystation.relay.policy.kubernetes;

import static dev.waystation.relay.testing.PolicyDocs.document;
import static dev.waystation.relay.testing.PolicyDocs.list;
import static dev.waystation.relay.testing.PolicyDocs.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.waystation.testing.Closer;
import dev.waystation.testing.GoCheck;
import dev.waystation.testing.RelayProcess;
import dev.waystation.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The relay's Kubernetes policy store on a real API server: the relay (packaged, with a kubeconfig)
 * watches its region's policy ConfigMap; new versions reach the resultant policy, a malformed one
 * is reported and the last good policy stays, and a missing ConfigMap is an empty policy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesPolicyStoreIT {

    private static final String NS = "relay-store-it";
    private static final String CONFIG_MAP = "eu-policy";
    private static final String REGION = "Profile(eu)";
    private static final String DENIED = "Admission.DeniedClients";

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static RelayProcess relay;
    private static final String KEY_A = GoCheck.newNodeKeyPair().get(1);
    private static final String KEY_B = GoCheck.newNodeKeyPair().get(1);

    @BeforeAll
    static void clusterAndRelay() {
        cluster = TestCluster.start();
        client = cluster.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        relay = RelayProcess.start(Map.of(
                "waystation.policy.region", "eu",
                "waystation.policy.kubernetes.enabled", "true",
                "waystation.policy.kubernetes.namespace", NS,
                "waystation.policy.kubernetes.config-map", CONFIG_MAP,
                "waystation.policy.kubernetes.kubeconfig", cluster.kubeconfig().toString()));
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(relay, client, cluster);
    }

    @Test
    @Order(1)
    void aMissingConfigMapIsAnEmptyPolicyAndTheRelayIsReady() throws Exception {
        JsonNode ready = readiness("policy-kubernetes");
        assertThat(ready.path("status").asText()).isEqualTo("UP");
        assertThat(ready.path("data").path("configmap").asText()).isEqualTo("configmap " + NS + "/" + CONFIG_MAP);
        assertThat(relay.setting(REGION, DENIED).path("source").asText()).isEqualTo("default");
    }

    @Test
    @Order(2)
    void aNewDocumentReachesTheResultantPolicyAsNamedSources() throws Exception {
        writeDocument(document(source("policy/" + NS + "/deny", "Device", DENIED + ": " + list(List.of(KEY_A)))));

        relay.awaitSetting(REGION, DENIED, "[\"" + KEY_A + "\"]");
        JsonNode setting = relay.setting(REGION, DENIED);
        assertThat(setting.path("source").asText()).isEqualTo("mandatory");
        assertThat(setting.path("origin").toString()).contains("policy/" + NS + "/deny");
        assertThat(configMapDocument().path("error").isMissingNode()).isTrue();
    }

    @Test
    @Order(3)
    void aMalformedDocumentKeepsTheLastGoodPolicyAndSaysWhy() throws Exception {
        writeDocument("version: 1\nsources: [ this is not: a list of sources\n");

        await("document error reported").atMost(Duration.ofSeconds(15))
                .until(() -> !configMapDocument().path("error").asText().isEmpty());
        assertThat(relay.setting(REGION, DENIED).path("value").toString()).isEqualTo("[\"" + KEY_A + "\"]");
        // The sources carry the error after the next (debounced) reload.
        await("policy unhealthy").atMost(Duration.ofSeconds(15))
                .until(() -> !relay.policy(REGION).path("healthy").asBoolean());
        assertThat(relay.setting(REGION, DENIED).path("value").toString()).isEqualTo("[\"" + KEY_A + "\"]");
    }

    @Test
    @Order(4)
    void theNextGoodDocumentReplacesTheValue() throws Exception {
        writeDocument(document(source("policy/" + NS + "/deny", "Device", DENIED + ": " + list(List.of(KEY_B)))));

        relay.awaitSetting(REGION, DENIED, "[\"" + KEY_B + "\"]");
        assertThat(configMapDocument().path("error").isMissingNode()).isTrue();
    }

    @Test
    @Order(5)
    void deletingTheConfigMapKeepsTheLastGoodPolicyAndSaysWhy() throws Exception {
        client.configMaps().inNamespace(NS).withName(CONFIG_MAP).delete();

        await("deletion reported").atMost(Duration.ofSeconds(15))
                .until(() -> configMapDocument().path("error").asText().contains("was deleted"));
        assertThat(configMapDocument().path("error").asText()).contains("keeping the last good policy")
                .contains("version: 1");
        assertThat(relay.setting(REGION, DENIED).path("value").toString()).isEqualTo("[\"" + KEY_B + "\"]");
        await("policy unhealthy").atMost(Duration.ofSeconds(15))
                .until(() -> !relay.policy(REGION).path("healthy").asBoolean());
        assertThat(relay.setting(REGION, DENIED).path("value").toString()).isEqualTo("[\"" + KEY_B + "\"]");
    }

    @Test
    @Order(6)
    void anEmptyDocumentClearsThePolicyOnPurpose() throws Exception {
        writeDocument("version: 1\n");

        relay.awaitSetting(REGION, DENIED, "[]");
        assertThat(relay.setting(REGION, DENIED).path("source").asText()).isEqualTo("default");
        assertThat(configMapDocument().path("error").isMissingNode()).isTrue();
    }

    private static void writeDocument(String yaml) {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName(CONFIG_MAP)
                .endMetadata().addToData("policy.yaml", yaml).build()).serverSideApply();
    }

    private static JsonNode configMapDocument() throws Exception {
        for (JsonNode document : relay.policy(REGION).path("documents")) {
            if (document.path("name").asText().equals("configmap " + NS + "/" + CONFIG_MAP)) {
                return document;
            }
        }
        throw new AssertionError("no ConfigMap document in /debug/policy: " + relay.policy(REGION));
    }

    private static JsonNode readiness(String check) throws Exception {
        JsonNode health = new ObjectMapper().readTree(relay.get("/q/health/ready").body());
        for (JsonNode entry : health.path("checks")) {
            if (entry.path("name").asText().equals(check)) {
                return entry;
            }
        }
        throw new AssertionError("no readiness check " + check + ": " + health);
    }
}

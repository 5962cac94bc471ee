package dev.waystation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicyDocumentConfigMap;
import dev.waystation.crd.v1alpha1.PolicyOverride;
import dev.waystation.crd.v1alpha1.PolicySettingProblem;
import dev.waystation.crd.v1alpha1.PolicyStatus;
import dev.waystation.policy.document.DocumentSource;
import dev.waystation.policy.document.PolicyDocument;
import dev.waystation.policy.document.PolicyDocumentParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import dev.waystation.testing.Closer;
import dev.waystation.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The Policy reconcilers on a real API server: status (Accepted / Invalid per setting / overrides)
 * and the per-region policy document ConfigMap, which keeps an invalid Policy's last good settings.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyOperatorIT {

    private static final String NS = "policy-it";
    private static final String REGION = "eu-west";
    private static final String KEY_A = "nodekey:" + "a".repeat(64);
    private static final String KEY_B = "nodekey:" + "b".repeat(64);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static OperatorProcess operator;

    @BeforeAll
    static void operatorNamespaceAndRegion() throws Exception {
        cluster = TestCluster.start();
        client = cluster.client();
        operator = OperatorProcess.startWithCrds(cluster);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        client.resource(Manifests.derpRegion(REGION, NS, """
                regionId: 901
                regionCode: euw
                regionName: EU West
                """)).create();
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(operator, client, cluster);
    }

    @Test
    @Order(1)
    void acceptedPolicyIsProjectedIntoTheRegionDocument() throws Exception {
        apply("deny", """
                scope: Device
                settings:
                  Admission.DeniedClients: ["%s"]
                  STUN.Enabled: false
                """.formatted(KEY_A));

        Policy deny = awaitStatus("deny", p -> isAccepted(p) && p.getStatus().getRegions().contains(REGION));
        assertThat(deny.getStatus().getObservedGeneration()).isEqualTo(deny.getMetadata().getGeneration());
        assertThat(deny.getStatus().getInvalidSettings()).isEmpty();

        DocumentSource source = awaitSource("policy/" + NS + "/deny");
        assertThat(source.scope().toString()).isEqualTo("Device");
        assertThat(source.mandatory()).containsEntry("Admission.DeniedClients", List.of(KEY_A))
                .containsEntry("STUN.Enabled", false);
        ConfigMap document = documentConfigMap();
        assertThat(document.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(owner -> assertThat(owner.getKind()).isEqualTo(HasMetadata.getKind(DerpRegion.class)));
    }

    @Test
    @Order(2)
    void invalidPolicySaysWhyPerSettingAndChangesNothing() throws Exception {
        String before = documentText();
        apply("broken", """
                scope: User
                nodeKeys: ["%s"]
                settings:
                  Client.Allowed: "maybe"
                  Admission.DeniedClients: ["%s"]
                  No.Such.Setting: 1
                  Client.RateBurstBytes: 10
                """.formatted(KEY_B, KEY_B));

        Policy broken = awaitStatus("broken", p -> Manifests.acceptedReason(p).equals(PolicyStatus.REASON_INVALID));
        assertThat(broken.getStatus().getInvalidSettings()).extracting(PolicySettingProblem::getKey)
                .containsExactlyInAnyOrder("Client.Allowed", "Admission.DeniedClients", "No.Such.Setting");
        assertThat(message(broken, "Client.Allowed")).contains("want a boolean");
        assertThat(message(broken, "Admission.DeniedClients")).contains("cannot be configured at scope User");
        assertThat(message(broken, "No.Such.Setting")).contains("unknown policy setting");
        assertThat(broken.getStatus().getRegions()).isEmpty();
        assertThat(documentText()).isEqualTo(before);
        // What `kubectl describe policy` shows: a Warning Event on the Policy naming the bad settings.
        await("a Warning Event on Policy broken").atMost(WAIT).untilAsserted(() -> assertThat(cluster.kubectl("get",
                "events", "-n", NS, "--field-selector", "involvedObject.kind=Policy,involvedObject.name=broken", "-o",
                "custom-columns=TYPE:.type,REASON:.reason,MESSAGE:.message").assertSuccess().output())
                .containsPattern("Warning\\s+Invalid\\s+3 invalid setting\\(s\\)")
                .contains("Client.Allowed", "Admission.DeniedClients", "No.Such.Setting"));
    }

    @Test
    @Order(2)
    void valuesThatMeanNothingAreInvalidNamingKeyAndElement() throws Exception {
        String before = documentText();
        apply("meaningless", """
                scope: Device
                settings:
                  Admission.AllowedClients: ["nodekey:TYPO"]
                  Debug.AllowedCIDRs: [not-a-cidr]
                  Admission.VerifyURL: "not a url"
                """);

        Policy meaningless = awaitStatus("meaningless",
                p -> Manifests.acceptedReason(p).equals(PolicyStatus.REASON_INVALID));
        assertThat(meaningless.getStatus().getInvalidSettings()).extracting(PolicySettingProblem::getKey)
                .containsExactlyInAnyOrder("Admission.AllowedClients", "Debug.AllowedCIDRs", "Admission.VerifyURL");
        assertThat(message(meaningless, "Admission.AllowedClients")).contains("element [0]")
                .contains("\"nodekey:TYPO\"");
        assertThat(message(meaningless, "Debug.AllowedCIDRs")).contains("element [0]").contains("\"not-a-cidr\"");
        assertThat(message(meaningless, "Admission.VerifyURL")).contains("invalid URL \"not a url\"");
        assertThat(documentText()).isEqualTo(before);
        client.resources(Policy.class).inNamespace(NS).withName("meaningless").delete();
    }

    @Test
    @Order(3)
    void aPolicyTurningInvalidKeepsItsLastGoodSettings() throws Exception {
        apply("deny", """
                scope: Device
                settings:
                  Admission.DeniedClients: "not a list"
                """);

        Policy deny = awaitStatus("deny", p -> Manifests.acceptedReason(p).equals(PolicyStatus.REASON_INVALID)
                && p.getStatus().getObservedGeneration() == 2L);
        assertThat(deny.getStatus().getInvalidSettings()).singleElement()
                .satisfies(problem -> assertThat(problem.getKey()).isEqualTo("Admission.DeniedClients"));
        assertThat(source("policy/" + NS + "/deny").mandatory())
                .containsEntry("Admission.DeniedClients", List.of(KEY_A));
    }

    @Test
    @Order(4)
    void overridesNameTheWinningPolicy() throws Exception {
        apply("fleet-stun", """
                scope: Device
                settings:
                  STUN.Enabled: true
                """);
        apply("region-stun", """
                scope: Profile
                regions: [%s]
                priority: 100
                settings:
                  STUN.Enabled: false
                  Admission.AcceptBurst: 5
                """.formatted(REGION));

        Policy region = awaitStatus("region-stun", p -> isAccepted(p) && !p.getStatus().getOverridden().isEmpty());
        assertThat(region.getStatus().getOverridden()).containsExactly(new PolicyOverride("STUN.Enabled",
                "policy/" + NS + "/fleet-stun", "Mandatory at the broader scope Device"));
        assertThat(awaitSource("policy/" + NS + "/region-stun").scope().toString()).isEqualTo("Profile(" + REGION + ")");
        assertThat(awaitStatus("fleet-stun", PolicyOperatorIT::isAccepted).getStatus().getOverridden()).isEmpty();
    }

    @Test
    @Order(5)
    void settledStateIsNotRewritten() throws Exception {
        awaitStatus("region-stun", PolicyOperatorIT::isAccepted);
        String documentVersion = documentConfigMap().getMetadata().getResourceVersion();
        String fleetVersion = policy("fleet-stun").getMetadata().getResourceVersion();

        // Triggers every reconciler of the namespace; nothing it concerns changes.
        apply("elsewhere", """
                scope: Profile
                regions: [nowhere]
                settings:
                  Admission.AcceptBurst: 1
                """);
        awaitStatus("elsewhere", PolicyOperatorIT::isAccepted);

        assertThat(documentConfigMap().getMetadata().getResourceVersion()).isEqualTo(documentVersion);
        assertThat(policy("fleet-stun").getMetadata().getResourceVersion()).isEqualTo(fleetVersion);
    }

    @Test
    @Order(6)
    void deletingAPolicyRemovesItsSource() throws Exception {
        client.resources(Policy.class).inNamespace(NS).withName("fleet-stun").delete();

        await().atMost(WAIT).until(() -> document().sources().stream()
                .noneMatch(s -> s.name().equals("policy/" + NS + "/fleet-stun")));
        await().atMost(WAIT).until(() -> policy("region-stun").getStatus().getOverridden().isEmpty());
    }

    // --- helpers

    private static void apply(String name, String spec) {
        client.resource(Manifests.policy(name, NS, spec)).serverSideApply();
    }

    private static Policy policy(String name) {
        return client.resources(Policy.class).inNamespace(NS).withName(name).get();
    }

    private static Policy awaitStatus(String name, Predicate<Policy> condition) {
        return await().atMost(WAIT).until(() -> policy(name),
                p -> p != null && p.getStatus() != null
                        && Objects.equals(p.getStatus().getObservedGeneration(), p.getMetadata().getGeneration())
                        && condition.test(p));
    }

    private static boolean isAccepted(Policy policy) {
        return Manifests.acceptedReason(policy).equals(PolicyStatus.REASON_ACCEPTED);
    }


    private static String message(Policy policy, String key) {
        return policy.getStatus().getInvalidSettings().stream().filter(p -> p.getKey().equals(key))
                .findFirst().orElseThrow().getMessage();
    }

    private static ConfigMap documentConfigMap() {
        return await().atMost(WAIT).until(() -> client.configMaps().inNamespace(NS)
                .withName(PolicyDocumentConfigMap.nameFor(REGION)).get(), Objects::nonNull);
    }

    private static String documentText() {
        Map<String, String> data = documentConfigMap().getData();
        return data.get(PolicyDocumentConfigMap.DATA_KEY);
    }

    private static PolicyDocument document() throws Exception {
        return new PolicyDocumentParser().parse("projection", documentText());
    }

    private static DocumentSource source(String name) throws Exception {
        return document().sources().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static DocumentSource awaitSource(String name) {
        return await().atMost(WAIT).until(() -> document().sources().stream().filter(s -> s.name().equals(name))
                .findFirst().orElse(null), Objects::nonNull);
    }
}

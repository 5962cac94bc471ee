package dev.waystation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicyDocumentConfigMap;
import dev.waystation.crd.v1alpha1.PolicyStatus;
import dev.waystation.testing.Closer;
import dev.waystation.testing.GoCheck;
import dev.waystation.testing.RelayProcess;
import dev.waystation.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * End to end on a real API server: the packaged operator and a packaged relay (the Kubernetes policy
 * store on, authenticated as the relay ServiceAccount the operator created) for one DerpRegion, clients on Tailscale's {@code derphttp}
 * ({@code src/interop/cmd/derpclient}). {@code kubectl apply} of a Policy that denies a connected
 * client disconnects it within 2 s; an invalid Policy changes nothing and says Invalid.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyEndToEndIT {

    private static final String NS = "e2e";
    private static final String REGION = "lon";
    /** From {@code kubectl apply} returning to the relay dropping the client (the bound). */
    private static final Duration DISCONNECT_BOUND = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static OperatorProcess operator;
    private static RelayProcess relay;
    private static List<String> victim;
    private static List<String> bystander;
    private static GoCheck.Running victimConnection;
    private static GoCheck.Running bystanderConnection;

    @BeforeAll
    static void operatorRelayAndClients() throws Exception {
        cluster = TestCluster.start();
        client = cluster.client();
        operator = OperatorProcess.startWithCrds(cluster);
        cluster.kubectl("create", "namespace", NS).assertSuccess();
        apply("region", Manifests.derpRegion(REGION, NS, """
                regionId: 950
                regionCode: lon
                regionName: London
                """));
        // The relay authenticates as the ServiceAccount the operator made for the region's relays, so
        // the Role it wrote (read that one ConfigMap) is what this test exercises.
        String account = REGION + "-relay";
        await("relay ServiceAccount").atMost(WAIT)
                .until(() -> client.serviceAccounts().inNamespace(NS).withName(account).get() != null);
        Path relayKubeconfig = cluster.serviceAccountKubeconfig(NS, account);
        relay = RelayProcess.start(Map.of(
                "waystation.policy.region", REGION,
                "waystation.policy.kubernetes.enabled", "true",
                "waystation.policy.kubernetes.namespace", NS,
                "waystation.policy.kubernetes.config-map", PolicyDocumentConfigMap.nameFor(REGION),
                "waystation.policy.kubernetes.kubeconfig", relayKubeconfig.toString()));
        victim = GoCheck.newNodeKeyPair();
        bystander = GoCheck.newNodeKeyPair();
        victimConnection = GoCheck.holdConnection(relay.derpUrl(), victim.get(0), 300);
        bystanderConnection = GoCheck.holdConnection(relay.derpUrl(), bystander.get(0), 300);
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(victimConnection, bystanderConnection, relay, operator, client, cluster);
    }

    @Test
    @Order(1)
    void applyingADenyingPolicyDisconnectsTheClientWithinTwoSeconds() throws Exception {
        apply("deny", Manifests.policy("deny-victim", NS, """
                scope: Profile
                regions: [%s]
                settings:
                  Admission.DeniedClients: ["%s"]
                """.formatted(REGION, victim.get(1))));
        long applied = System.nanoTime();
        await("victim disconnected").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> victimConnection.said("DISCONNECTED"));
        Duration took = Duration.ofNanos(System.nanoTime() - applied);
        System.out.printf("PolicyEndToEndIT: kubectl apply to disconnect took %d ms%n", took.toMillis());

        assertThat(took).as("from kubectl apply to the disconnect").isLessThanOrEqualTo(DISCONNECT_BOUND);
        assertThat(Manifests.acceptedReason(awaitObserved("deny-victim"))).isEqualTo(PolicyStatus.REASON_ACCEPTED);
        assertThat(relay.setting("Profile(" + REGION + ")", "Admission.DeniedClients").path("origin").toString())
                .contains("policy/" + NS + "/deny-victim");
        assertThat(bystanderConnection.said("DISCONNECTED")).as("the other client disconnected:\n%s",
                bystanderConnection.output()).isFalse();
        assertThat(relay.metric("waystation_admission_policy_disconnects_total")).isGreaterThanOrEqualTo(1);
    }

    @Test
    @Order(2)
    void anInvalidPolicyChangesNothingAndSaysInvalid() throws Exception {
        String documentBefore = policyDocument();
        apply("invalid", Manifests.policy("deny-bystander", NS, """
                scope: Device
                settings:
                  Admission.DeniedClients: ["%s"]
                  No.Such.Setting: 1
                """.formatted(bystander.get(1))));

        Policy invalid = awaitObserved("deny-bystander");
        assertThat(Manifests.acceptedReason(invalid)).isEqualTo(PolicyStatus.REASON_INVALID);
        assertThat(invalid.getStatus().getInvalidSettings()).singleElement()
                .satisfies(problem -> assertThat(problem.getKey()).isEqualTo("No.Such.Setting"));
        // Longer than a reconcile plus the relay's debounce: had it been projected, it would show by now.
        Thread.sleep(3000);
        assertThat(policyDocument()).isEqualTo(documentBefore);
        assertThat(relay.setting("Profile(" + REGION + ")", "Admission.DeniedClients").path("value").toString())
                .isEqualTo("[\"" + victim.get(1) + "\"]");
        assertThat(bystanderConnection.said("DISCONNECTED")).as("the client the invalid Policy names disconnected:\n%s",
                bystanderConnection.output()).isFalse();
    }

    /** {@code kubectl apply -f} of {@code yaml}, as a user would. */
    private static void apply(String what, String yaml) throws Exception {
        Path file = Files.createTempFile("e2e-" + what, ".yaml");
        try {
            Files.writeString(file, yaml);
            cluster.kubectl("apply", "-f", file.toString()).assertSuccess();
        } finally {
            Files.delete(file);
        }
    }

    private static Policy awaitObserved(String name) {
        return await(name + " status").atMost(WAIT).until(
                () -> client.resources(Policy.class).inNamespace(NS).withName(name).get(),
                p -> p != null && p.getStatus() != null
                        && Objects.equals(p.getStatus().getObservedGeneration(), p.getMetadata().getGeneration()));
    }

    private static String policyDocument() {
        var configMap = client.configMaps().inNamespace(NS).withName(PolicyDocumentConfigMap.nameFor(REGION)).get();
        return configMap == null ? "" : configMap.getData().get(PolicyDocumentConfigMap.DATA_KEY);
    }
}

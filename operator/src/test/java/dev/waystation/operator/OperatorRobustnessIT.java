package dev.waystation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import dev.waystation.crd.v1alpha1.Conditions;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionStatus;
import dev.waystation.testing.Closer;
import dev.waystation.testing.TestCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionSpec;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One bad object never stops the operator, every failure is visible, nothing is taken over, and a
 * steady state writes nothing: the packaged operator against a real API server, configured with a
 * namespace allow-list that leaves {@code rob-outside} out.
 */
class OperatorRobustnessIT {

    private static final Duration WAIT = Regions.WAIT;
    private static final String ALLOWED_NAMESPACES = "rob-apply,rob-poison,rob-owned,rob-writes,rob-image";

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static OperatorProcess operator;

    @BeforeAll
    static void startOperator() throws Exception {
        cluster = TestCluster.start();
        client = cluster.client();
        OperatorProcess.installCrds(cluster);
        operator = startConfigured();
    }

    private static OperatorProcess startConfigured() throws Exception {
        return OperatorProcess.start(cluster, Map.of("WAYSTATION_OPERATOR_REGION_NAMESPACES", ALLOWED_NAMESPACES));
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(operator, client, cluster);
    }

    private static void create(String namespace, String name, String spec) {
        Regions.namespace(client, namespace);
        client.resource(Manifests.derpRegion(name, namespace, spec)).create();
    }

    private static DerpRegionStatus awaitStatus(String namespace, String name, Predicate<DerpRegionStatus> done) {
        return Regions.awaitStatus(client, namespace, name, done).getStatus();
    }

    private static Predicate<DerpRegionStatus> readyReason(String reason) {
        return s -> Conditions.find(s.getConditions(), Conditions.READY).map(c -> reason.equals(c.getReason())).orElse(false);
    }

    private static String events(String namespace, String involved) {
        return cluster.kubectl("get", "events", "-n", namespace, "--field-selector", "involvedObject.name=" + involved,
                "-o", "custom-columns=TYPE:.type,REASON:.reason,MESSAGE:.message").assertSuccess().output();
    }

    @Test
    void aStatefulSetTheApiServerRefusesShowsInConditionsAndAWarningEvent() {
        create("rob-apply", "bogus", """
                regionId: 901
                regionCode: bogus
                regionName: Bogus
                resources:
                  limits:
                    memory: lots
                """);
        DerpRegionStatus status = awaitStatus("rob-apply", "bogus", readyReason("ApplyFailed"));
        assertThat(Conditions.find(status.getConditions(), Conditions.READY)).hasValueSatisfying(c -> assertThat(c.getMessage())
                .contains("StatefulSet bogus", "quantities must match the regular expression"));
        assertThat(Conditions.isTrue(status.getConditions(), Conditions.DEGRADED)).isTrue();
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("rob-apply", "bogus"))
                .containsPattern("Warning\\s+ApplyFailed\\s+the API server refused StatefulSet bogus"));
        assertThat(client.services().inNamespace("rob-apply").withName("bogus-0").get())
                .as("the objects the API server accepts are still applied").isNotNull();
    }

    @Test
    void aPreExistingServiceWithAnotherOwnerIsNotTakenOver() {
        Regions.namespace(client, "rob-owned");
        client.services().inNamespace("rob-owned").resource(new ServiceBuilder()
                .withNewMetadata().withName("own-0").addToLabels("team", "someone-else").endMetadata()
                .withNewSpec().addNewPort().withPort(8080).endPort().addToSelector("app", "theirs").endSpec().build())
                .create();
        create("rob-owned", "own", """
                regionId: 902
                regionCode: own
                regionName: Own
                """);
        DerpRegionStatus status = awaitStatus("rob-owned", "own", readyReason("OwnedElsewhere"));
        assertThat(Conditions.find(status.getConditions(), Conditions.READY)).hasValueSatisfying(c -> assertThat(c.getMessage())
                .contains("Service own-0 already exists and is not controlled by this DerpRegion"));
        var service = client.services().inNamespace("rob-owned").withName("own-0").get();
        assertThat(service.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(service.getMetadata().getLabels()).containsExactly(Map.entry("team", "someone-else"));
        assertThat(service.getSpec().getSelector()).containsExactly(Map.entry("app", "theirs"));
        assertThat(client.apps().statefulSets().inNamespace("rob-owned").withName("own").get()).isNotNull();
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("rob-owned", "own")).contains("OwnedElsewhere"));
    }

    @Test
    void aRegionOutsideTheNamespaceAllowListOrWithAForeignImageIsRefused() {
        create("rob-outside", "out", """
                regionId: 903
                regionCode: out
                regionName: Outside
                """);
        DerpRegionStatus outside = awaitStatus("rob-outside", "out", readyReason("NotAllowed"));
        assertThat(Conditions.find(outside.getConditions(), Conditions.READY)).hasValueSatisfying(c -> assertThat(c.getMessage())
                .contains("namespace rob-outside is not in waystation.operator.region-namespaces"));
        assertThat(outside.getDerpMapRegion()).isNull();
        assertThat(client.apps().statefulSets().inNamespace("rob-outside").withName("out").get()).isNull();

        create("rob-image", "img", """
                regionId: 904
                regionCode: img
                regionName: Image
                image: evil.example.com/miner:1
                """);
        DerpRegionStatus image = awaitStatus("rob-image", "img", readyReason("NotAllowed"));
        assertThat(Conditions.find(image.getConditions(), Conditions.READY)).hasValueSatisfying(c -> assertThat(c.getMessage())
                .contains("image evil.example.com/miner:1 is not in waystation.operator.allowed-images"));
        assertThat(client.apps().statefulSets().inNamespace("rob-image").withName("img").get()).isNull();
    }

    @Test
    void aRelayPodBecomingReadyWritesStatusOnly() throws Exception {
        create("rob-writes", "w", """
                regionId: 905
                regionCode: w
                regionName: Writes
                nodes: 2
                hostnames: [a.w.example.com, b.w.example.com]
                """);
        awaitStatus("rob-writes", "w", s -> "0/2".equals(s.getReadyNodes()));
        await().atMost(WAIT).until(() -> client.configMaps().inNamespace("rob-writes").withName("w-relay").get() != null);
        Map<String, Double> before = operator.apiWrites();
        assertThat(before).containsKeys("statefulset", "service", "configmap");

        RelayPods.markReady(client, "rob-writes", "w", 0);
        awaitStatus("rob-writes", "w", s -> "1/2".equals(s.getReadyNodes()));
        Map<String, Double> after = operator.apiWrites();

        Map<String, Double> delta = new TreeMap<>();
        after.forEach((kind, count) -> {
            double change = count - before.getOrDefault(kind, 0.0);
            if (change != 0) {
                delta.put(kind, change);
            }
        });
        // The region's status, and the DERP map, which now lists the ready node; none of the region's objects.
        assertThat(delta).as("API writes caused by one Pod becoming ready").containsKey("derpregion/status");
        assertThat(delta.keySet()).as("API writes caused by one Pod becoming ready")
                .isSubsetOf("derpregion/status", "derpmap");
    }

    @Test
    void poisonObjectsDoNotStopTheWatchesAndTheOperatorRestartsCleanlyWithThemPresent() throws Exception {
        create("rob-poison", "before", """
                regionId: 906
                regionCode: before
                regionName: Before
                """);
        awaitStatus("rob-poison", "before", s -> s.getReadyNodes() != null);

        withLooseSchema("derpregions.waystation.dev", () -> client.resource(Manifests.derpRegion("poison", "rob-poison", """
                regionId: 907
                regionCode: poison
                regionName: Poison
                scheduling:
                  topologySpreadConstraints:
                  - maxSkew: 3000000000
                    topologyKey: kubernetes.io/hostname
                    whenUnsatisfiable: ScheduleAnyway
                """)).create());
        withLooseSchema("policies.waystation.dev", () -> client.resource(Manifests.policy("poison", "rob-poison", """
                scope: Device
                priority: -2147483649
                settings:
                  STUN.Enabled: false
                """)).create());

        assertPoisonReportedAndWatchesAlive("after");

        operator.close();
        operator = startConfigured();
        assertPoisonReportedAndWatchesAlive("restarted");
        assertThat(operator.log()).doesNotContain("Exception in thread");
    }

    private static void assertPoisonReportedAndWatchesAlive(String newRegion) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(condition("DerpRegion", "poison", "Ready"))
                .containsEntry("reason", "SpecUnreadable")
                .hasEntrySatisfying("message", m -> assertThat((String) m)
                        .contains("spec.scheduling.topologySpreadConstraints[0].maxSkew")));
        await().atMost(WAIT).untilAsserted(() -> assertThat(condition("Policy", "poison", "Accepted"))
                .containsEntry("reason", "Invalid")
                .hasEntrySatisfying("message", m -> assertThat((String) m).contains("spec.priority")));
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("rob-poison", "poison"))
                .containsPattern("Warning\\s+SpecUnreadable"));

        create("rob-poison", newRegion, """
                regionId: %d
                regionCode: %s
                regionName: Created after the poison
                """.formatted(newRegion.equals("after") ? 908 : 909, newRegion));
        awaitStatus("rob-poison", newRegion, s -> s.getReadyNodes() != null);
        assertThat(OperatorProcess.status(operator.managementUrl("/q/health/live"))).isEqualTo(200);
        assertThat(OperatorProcess.status(operator.managementUrl("/q/health/ready"))).isEqualTo(200);
    }

    /** A condition of a resource read generically: the test's own client cannot read the poison either. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> condition(String kind, String name, String type) {
        GenericKubernetesResource resource = client.genericKubernetesResources("waystation.dev/v1alpha1", kind)
                .inNamespace("rob-poison").withName(name).get();
        Map<String, Object> status = (Map<String, Object>) resource.getAdditionalProperties().get("status");
        List<Map<String, Object>> conditions = status == null ? List.of()
                : (List<Map<String, Object>>) status.getOrDefault("conditions", List.of());
        return conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst().orElse(Map.of());
    }

    /**
     * Runs {@code create} while the CRD's spec schema accepts anything, as a CRD without bounds did;
     * then puts the real schema back. The object stays, unreadable for the operator.
     */
    private static void withLooseSchema(String crdName, Runnable create) {
        var crds = client.apiextensions().v1().customResourceDefinitions();
        CustomResourceDefinition original = crds.withName(crdName).get();
        CustomResourceDefinitionSpec strict = original.getSpec();
        crds.withName(crdName).edit(crd -> {
            var version = crd.getSpec().getVersions().get(0);
            version.getSchema().getOpenAPIV3Schema().getProperties().put("spec", new JSONSchemaPropsBuilder()
                    .withType("object").withXKubernetesPreserveUnknownFields(true).build());
            return crd;
        });
        await().atMost(WAIT).ignoreExceptions().untilAsserted(create::run);
        crds.withName(crdName).edit(crd -> {
            crd.setSpec(strict);
            return crd;
        });
    }

}

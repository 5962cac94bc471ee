package dev.waystation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.waystation.crd.v1alpha1.Conditions;
import dev.waystation.crd.v1alpha1.DerpNodeStatus;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionStatus;
import dev.waystation.operator.derpmap.DerpMapPublisher;
import dev.waystation.testing.Closer;
import dev.waystation.testing.GoHarness;
import dev.waystation.testing.LoopbackPorts;
import dev.waystation.testing.RelayProcess;
import dev.waystation.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator against a real API server (kube-apiserver + etcd, no controller manager: no
 * Pods, no garbage collector). Deletion is proven through owner references, which is what a real
 * cluster's garbage collector acts on.
 */
class DerpRegionOperatorIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DERP_REGION_LABEL = "waystation.dev/derp-region";

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static OperatorProcess operator;

    @BeforeAll
    static void startOperator() throws Exception {
        cluster = TestCluster.start();
        client = cluster.client();
        operator = OperatorProcess.startWithCrds(cluster);
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(operator, client, cluster);
    }

    private static void namespace(String name) {
        Regions.namespace(client, name);
    }

    private static DerpRegion create(String namespace, String yamlSpec, String name) {
        namespace(namespace);
        String yaml = Manifests.derpRegion(name, namespace, yamlSpec);
        client.resource(yaml).create();
        return client.resources(DerpRegion.class).inNamespace(namespace).withName(name).get();
    }

    private static DerpRegion awaitStatus(String namespace, String name, Predicate<DerpRegionStatus> done) {
        return Regions.awaitStatus(client, namespace, name, done);
    }

    private static void assertOwnedBy(HasMetadata object, DerpRegion region) {
        List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
        assertThat(owners).as("owner references of %s %s", object.getKind(), object.getMetadata().getName())
                .singleElement()
                .satisfies(owner -> {
                    assertThat(owner.getUid()).isEqualTo(region.getMetadata().getUid());
                    assertThat(owner.getKind()).isEqualTo("DerpRegion");
                    assertThat(owner.getApiVersion()).isEqualTo("waystation.dev/v1alpha1");
                    assertThat(owner.getController()).isTrue();
                });
    }

    @Test
    void regionYieldsEveryObjectWithTheRightContent() {
        namespace("fra-ns");
        client.secrets().inNamespace("fra-ns").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("fra-tls").addToLabels("waystation.dev/tls-secret", "true").endMetadata()
                .withType("kubernetes.io/tls")
                .addToStringData("tls.crt", "not checked here").addToStringData("tls.key", "not checked here")
                .build()).create();
        DerpRegion region = create("fra-ns", """
                regionId: 900
                regionCode: fra
                regionName: Frankfurt
                nodes: 2
                hostnameTemplate: derp{index}.fra.example.com
                stunPort: 3479
                tls:
                  mode: Manual
                  secretName: fra-tls
                service:
                  type: LoadBalancer
                  annotations:
                    service.beta.kubernetes.io/aws-load-balancer-type: nlb
                image: example.org/waystation/relay:test
                resources:
                  requests:
                    cpu: 100m
                    memory: 128Mi
                scheduling:
                  nodeSelector:
                    kubernetes.io/os: linux
                """, "fra");
        String ns = "fra-ns";
        DerpRegion observed = awaitStatus(ns, "fra", s -> "0/2".equals(s.getReadyNodes()));

        StatefulSet sts = client.apps().statefulSets().inNamespace(ns).withName("fra").get();
        assertOwnedBy(sts, region);
        assertThat(sts.getSpec().getReplicas()).isEqualTo(2);
        assertThat(sts.getSpec().getServiceName()).isEqualTo("fra-mesh");
        var pod = sts.getSpec().getTemplate().getSpec();
        var container = pod.getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("example.org/waystation/relay:test");
        assertThat(container.getResources().getRequests().get("cpu").toString()).isEqualTo("100m");
        assertThat(container.getEnvFrom().get(0).getConfigMapRef().getName()).isEqualTo("fra-relay");
        // The mesh key is a file from its Secret, never an environment variable; the peer list a file too.
        assertThat(container.getEnv()).noneSatisfy(env -> assertThat(env.getName()).contains("MESH_KEY"));
        assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null)
                .anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("fra-mesh-key"));
        assertThat(pod.getVolumes()).filteredOn(v -> v.getConfigMap() != null)
                .anySatisfy(v -> assertThat(v.getConfigMap().getName()).isEqualTo("fra-mesh-peers"));
        assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/waystation/mesh-key"));
        assertThat(container.getEnv()).anySatisfy(env -> {
            assertThat(env.getName()).isEqualTo("WAYSTATION_RELAY_NODE_INDEX");
            assertThat(env.getValueFrom().getFieldRef().getFieldPath())
                    .isEqualTo("metadata.labels['apps.kubernetes.io/pod-index']");
        });
        assertThat(pod.getServiceAccountName()).isEqualTo("fra-relay");
        assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
        assertThat(pod.getVolumes()).filteredOn(v -> "tls".equals(v.getName()))
                .singleElement().satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("fra-tls"));

        Service mesh = client.services().inNamespace(ns).withName("fra-mesh").get();
        assertOwnedBy(mesh, region);
        assertThat(mesh.getSpec().getClusterIP()).isEqualTo("None");
        for (int i = 0; i < 2; i++) {
            Service node = client.services().inNamespace(ns).withName("fra-" + i).get();
            assertOwnedBy(node, region);
            assertThat(node.getSpec().getType()).isEqualTo("LoadBalancer");
            assertThat(node.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
            assertThat(node.getSpec().getSelector()).containsExactly(Map.entry("statefulset.kubernetes.io/pod-name", "fra-" + i));
            assertThat(node.getMetadata().getAnnotations())
                    .containsEntry("service.beta.kubernetes.io/aws-load-balancer-type", "nlb");
            Map<String, ServicePort> ports = new LinkedHashMap<>();
            node.getSpec().getPorts().forEach(p -> ports.put(p.getName(), p));
            assertThat(ports.get("derp").getPort()).isEqualTo(443);
            assertThat(ports.get("derp").getProtocol()).isEqualTo("TCP");
            assertThat(ports.get("stun").getPort()).isEqualTo(3479);
            assertThat(ports.get("stun").getProtocol()).isEqualTo("UDP");
            assertThat(ports.get("http").getPort()).isEqualTo(80);
        }

        Secret meshKey = client.secrets().inNamespace(ns).withName("fra-mesh-key").get();
        assertOwnedBy(meshKey, region);
        String key = new String(Base64.getDecoder().decode(meshKey.getData().get("mesh-key")), StandardCharsets.US_ASCII);
        assertThat(key).matches("[0-9a-f]{64}");
        assertThat(operator.log()).doesNotContain(key);

        ConfigMap relayConfig = client.configMaps().inNamespace(ns).withName("fra-relay").get();
        assertOwnedBy(relayConfig, region);
        assertThat(relayConfig.getData())
                .containsEntry("WAYSTATION_RELAY_MODE", "production")
                .containsEntry("WAYSTATION_RELAY_TLS_CERT_FILE", "/etc/waystation/tls/tls.crt")
                .containsEntry("WAYSTATION_POLICY_REGION", "fra")
                .containsEntry("WAYSTATION_RELAY_NODE_HOSTNAMES", "derp0.fra.example.com,derp1.fra.example.com")
                .containsEntry("WAYSTATION_POLICY_KUBERNETES_ENABLED", "true")
                .containsEntry("WAYSTATION_POLICY_KUBERNETES_CONFIG_MAP", "fra-policy")
                .containsEntry("WAYSTATION_RELAY_MESH_KEY_FILE", "/etc/waystation/mesh-key/mesh-key")
                .containsEntry("WAYSTATION_RELAY_MESH_WITH_FILE", "/etc/waystation/mesh/mesh-with")
                .doesNotContainKey("WAYSTATION_RELAY_MESH_KEY");
        assertThat(client.configMaps().inNamespace(ns).withName("fra-mesh-peers").get().getData().get("mesh-with"))
                .isEqualTo("derp0.fra.example.com/fra-0.fra-mesh.fra-ns.svc:8443\n"
                        + "derp1.fra.example.com/fra-1.fra-mesh.fra-ns.svc:8443\n");

        var pdb = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("fra").get();
        assertOwnedBy(pdb, region);
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);

        assertOwnedBy(client.serviceAccounts().inNamespace(ns).withName("fra-relay").get(), region);
        Role role = client.rbac().roles().inNamespace(ns).withName("fra-relay").get();
        assertOwnedBy(role, region);
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("configmaps");
            assertThat(rule.getResourceNames()).containsExactly("fra-policy");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
        });
        RoleBinding binding = client.rbac().roleBindings().inNamespace(ns).withName("fra-relay").get();
        assertOwnedBy(binding, region);
        assertThat(binding.getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("fra-relay"));

        DerpRegionStatus status = observed.getStatus();
        assertThat(Conditions.find(status.getConditions(), Conditions.READY)).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("NodesNotReady");
            assertThat(c.getMessage()).isEqualTo("0 of 2 nodes ready");
            assertThat(c.getObservedGeneration()).isEqualTo(observed.getMetadata().getGeneration());
            assertThat(c.getLastTransitionTime()).isNotBlank();
        });
        assertThat(Conditions.find(status.getConditions(), Conditions.DEGRADED)).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("NodesUnavailable");
            assertThat(c.getMessage()).startsWith("0 of 2 nodes ready");
        });
        assertThat(status.getNodes()).extracting("name", "hostName", "ready").containsExactly(
                tuple("900a", "derp0.fra.example.com", false),
                tuple("900b", "derp1.fra.example.com", false));
        assertThat(status.getDerpMapRegion()).as("no ready node, no region in the DERP map").isNull();
        assertThat(cluster.kubectl("get", "events", "-n", ns, "--field-selector", "involvedObject.name=fra")
                .assertSuccess().output()).contains("Warning", "NodesUnavailable");

        RelayPods.markReady(client, ns, "fra", 0);
        DerpRegion oneReady = awaitStatus(ns, "fra", s -> "1/2".equals(s.getReadyNodes()));
        assertThat(oneReady.getStatus().getDerpMapRegion().getNodes()).extracting("hostName", "stunPort", "derpPort")
                .containsExactly(tuple("derp0.fra.example.com", 3479, 443));

        assertThat(cluster.kubectl("get", "derpregions", "-n", ns).assertSuccess().output())
                .containsPattern("fra\\s+\\S+\\s+fra\\s+900\\s+NodesNotReady\\s+1/2");
    }

    @Test
    void serviceMonitorIsCreatedOnlyOnceItsCrdExists() throws Exception {
        DerpRegion region = create("mon-ns", """
                regionId: 930
                regionCode: mon
                regionName: Monitored
                """, "mon");
        awaitStatus("mon-ns", "mon", s -> s.getReadyNodes() != null);
        assertThat(client.apiextensions().v1().customResourceDefinitions()
                .withName("servicemonitors.monitoring.coreos.com").get()).isNull();

        cluster.kubectl("apply", "-f", Path.of("src/test/resources/servicemonitor-crd.yaml")
                .toAbsolutePath().toString()).assertSuccess();
        cluster.kubectl("wait", "--for=condition=Established", "crd/servicemonitors.monitoring.coreos.com",
                "--timeout=60s").assertSuccess();
        // No change to the region: the operator watches for the CRD.
        GenericKubernetesResource monitor = await().atMost(WAIT).until(() -> client
                .genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor")
                .inNamespace("mon-ns").withName("mon").get(), m -> m != null);
        assertOwnedBy(monitor, region);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
        assertThat(spec.toString()).contains("port=management", "path=/q/metrics");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    }

    @Test
    void derpMapIsDecodedByTailscaleAndListsEveryRegion() throws Exception {
        create("map-ns", """
                regionId: 940
                regionCode: ams
                regionName: Amsterdam
                nodes: 2
                hostnames: [derp-a.ams.example.net, derp-b.ams.example.net]
                derpPort: 8443
                service:
                  type: ClusterIP
                """, "ams");
        create("map-ns", """
                regionId: 941
                regionCode: par
                regionName: Paris
                service:
                  type: ClusterIP
                """, "par");
        RelayPods.markReady(client, "map-ns", "ams", 0);
        RelayPods.markReady(client, "map-ns", "ams", 1);
        RelayPods.markReady(client, "map-ns", "par", 0);
        DerpRegion ams = awaitStatus("map-ns", "ams", s -> s.getDerpMapRegion() != null
                && s.getNodes().stream().allMatch(n -> n.getIpv4() != null));
        DerpRegion par = awaitStatus("map-ns", "par", s -> s.getDerpMapRegion() != null);
        String parIp = par.getStatus().getNodes().get(0).getIpv4();
        assertThat(parIp).matches("10\\.0\\.0\\.\\d+");

        List<String> expected = List.of(
                "region 940 ams \"Amsterdam\"",
                "node 940a 940 derp-a.ams.example.net " + ams.getStatus().getNodes().get(0).getIpv4() + " - 3478 8443 true",
                "node 940b 940 derp-b.ams.example.net " + ams.getStatus().getNodes().get(1).getIpv4() + " - 3478 8443 true",
                "region 941 par \"Paris\"",
                "node 941a 941 " + parIp + " " + parIp + " - 3478 443 true");
        await().atMost(WAIT).untilAsserted(() -> assertThat(derpMapCheck(operator.url("/derpmap.json")))
                .containsSubsequence(expected));

        ConfigMap published = client.configMaps().inNamespace("default").withName("waystation-derp-map").get();
        assertThat(published.getData().get(DerpMapPublisher.DATA_KEY))
                .contains("\"940\"", "\"RegionCode\":\"ams\"", "\"941\"");
    }

    @Test
    void aBurstOfRegionChangesWhilePublishingLosesNoRegion() throws Exception {
        // Regions appear and become ready back to back, so changes keep arriving while publishes run.
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int id = 1000 + i;
            ids.add(id);
            create("burst-ns", """
                    regionId: %d
                    regionCode: b%d
                    regionName: Burst %d
                    hostnames: [b%d.example.com]
                    service:
                      type: ClusterIP
                    """.formatted(id, i, i, i), "b" + i);
            RelayPods.markReady(client, "burst-ns", "b" + i, 0);
        }
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(WAIT).untilAsserted(() -> {
            String map = http.send(HttpRequest.newBuilder(URI.create(operator.url("/derpmap.json"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(map).contains(ids.stream().map(id -> "\"RegionID\":" + id).toList());
        });
    }

    @Test
    void aDuplicateRegionIdIsReportedAndKeptOutOfTheMap() throws Exception {
        create("dup-ns", """
                regionId: 950
                regionCode: first
                regionName: First
                hostnames: [first.example.com]
                """, "first");
        RelayPods.markReady(client, "dup-ns", "first", 0);
        awaitStatus("dup-ns", "first", s -> s.getDerpMapRegion() != null);
        create("dup-ns", """
                regionId: 950
                regionCode: second
                regionName: Second
                hostnames: [second.example.com]
                """, "second");
        DerpRegion second = awaitStatus("dup-ns", "second", s -> Conditions.isTrue(s.getConditions(), Conditions.DEGRADED));
        assertThat(Conditions.find(second.getStatus().getConditions(), Conditions.DEGRADED)).hasValueSatisfying(c -> {
            assertThat(c.getReason()).isEqualTo("RegionIdConflict");
            assertThat(c.getMessage()).contains("dup-ns/first");
        });
        assertThat(second.getStatus().getDerpMapRegion()).isNull();
        assertThat(client.apps().statefulSets().inNamespace("dup-ns").withName("second").get())
                .as("the loser of a region-ID conflict is not deployed").isNull();
        assertThat(client.services().inNamespace("dup-ns").withName("second-0").get()).isNull();
        await().atMost(WAIT).untilAsserted(() -> assertThat(derpMapCheck(operator.url("/derpmap.json")))
                .contains("region 950 first \"First\"")
                .noneMatch(line -> line.contains("second")));
    }

    @Test
    void scalingDownRemovesTheSurplusNodeServices() {
        create("scale-ns", """
                regionId: 960
                regionCode: scale
                regionName: Scale
                nodes: 3
                """, "scale");
        awaitStatus("scale-ns", "scale", s -> "0/3".equals(s.getReadyNodes()));
        assertThat(client.services().inNamespace("scale-ns").withName("scale-2").get()).isNotNull();
        String hashBefore = client.apps().statefulSets().inNamespace("scale-ns").withName("scale").get().getSpec()
                .getTemplate().getMetadata().getAnnotations().get("waystation.dev/config-hash");

        DerpRegion current = client.resources(DerpRegion.class).inNamespace("scale-ns").withName("scale").get();
        current.getSpec().setNodes(1);
        client.resource(current).update();

        awaitStatus("scale-ns", "scale", s -> "0/1".equals(s.getReadyNodes()));
        await().atMost(WAIT).until(() -> client.services().inNamespace("scale-ns").withName("scale-2").get() == null
                && client.services().inNamespace("scale-ns").withName("scale-1").get() == null);
        assertThat(client.apps().statefulSets().inNamespace("scale-ns").withName("scale").get().getSpec().getReplicas())
                .isEqualTo(1);
        // Scaling rolls no pod: the template is unchanged, the relays re-read the mesh peer file.
        assertThat(client.apps().statefulSets().inNamespace("scale-ns").withName("scale").get().getSpec().getTemplate()
                .getMetadata().getAnnotations()).containsEntry("waystation.dev/config-hash", hashBefore);
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.configMaps().inNamespace("scale-ns")
                .withName("scale-mesh-peers").get().getData().get("mesh-with"))
                .isEqualTo("scale-0.scale-mesh.scale-ns.svc:8443\n"));
    }

    @Test
    void deletingARegionLeavesNothingWithoutAnOwnerReference() throws Exception {
        DerpRegion region = create("del-ns", """
                regionId: 970
                regionCode: del
                regionName: Deleted
                nodes: 2
                hostnames: [a.del.example.com, b.del.example.com]
                """, "del");
        RelayPods.markReady(client, "del-ns", "del", 0);
        awaitStatus("del-ns", "del", s -> s.getDerpMapRegion() != null);
        await().atMost(WAIT).untilAsserted(() -> assertThat(derpMapCheck(operator.url("/derpmap.json")))
                .contains("region 970 del \"Deleted\""));

        client.resource(region).delete();
        await().atMost(WAIT).until(() -> client.resources(DerpRegion.class).inNamespace("del-ns").withName("del").get() == null);

        // No garbage collector runs here; on a real cluster it deletes exactly the objects whose
        // controlling owner is gone. So: everything the operator made for the region must name it.
        List<HasMetadata> leftovers = new ArrayList<>();
        leftovers.addAll(client.apps().statefulSets().inNamespace("del-ns").list().getItems());
        leftovers.addAll(client.services().inNamespace("del-ns").list().getItems());
        leftovers.addAll(client.configMaps().inNamespace("del-ns").withLabel(DERP_REGION_LABEL).list().getItems());
        leftovers.addAll(client.secrets().inNamespace("del-ns").list().getItems());
        leftovers.addAll(client.policy().v1().podDisruptionBudget().inNamespace("del-ns").list().getItems());
        leftovers.addAll(client.serviceAccounts().inNamespace("del-ns").withLabel(DERP_REGION_LABEL).list().getItems());
        leftovers.addAll(client.rbac().roles().inNamespace("del-ns").list().getItems());
        leftovers.addAll(client.rbac().roleBindings().inNamespace("del-ns").list().getItems());
        assertThat(leftovers).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactlyInAnyOrder(
                "StatefulSet/del", "Service/del-mesh", "Service/del-0", "Service/del-1", "ConfigMap/del-relay",
                "ConfigMap/del-policy", "ConfigMap/del-mesh-peers",
                "Secret/del-mesh-key", "Secret/del-node-tls", "PodDisruptionBudget/del", "ServiceAccount/del-relay", "Role/del-relay",
                "RoleBinding/del-relay");
        leftovers.forEach(object -> assertOwnedBy(object, region));

        await().atMost(WAIT).untilAsserted(() -> assertThat(derpMapCheck(operator.url("/derpmap.json")))
                .noneMatch(line -> line.startsWith("region 970")));
    }

    @Test
    void anOperatorRestartWritesNothing() throws Exception {
        create("restart-ns", """
                regionId: 980
                regionCode: rst
                regionName: Restart
                nodes: 2
                hostnameTemplate: "{name}.rst.example.com"
                """, "rst");
        RelayPods.markReady(client, "restart-ns", "rst", 0);
        awaitStatus("restart-ns", "rst", s -> s.getDerpMapRegion() != null);
        await().atMost(WAIT).untilAsserted(() -> assertThat(derpMapCheck(operator.url("/derpmap.json")))
                .contains("region 980 rst \"Restart\""));
        Map<String, String> before = resourceVersions("restart-ns");

        operator.close();
        operator = OperatorProcess.start(cluster, OperatorProcess.TEST_CONFIG);
        // The restarted operator reconciles every region once and republishes the map.
        await().atMost(WAIT).untilAsserted(() -> assertThat(operator.log()).contains("DERP map published"));
        int regions = client.resources(DerpRegion.class).inAnyNamespace().list().getItems().size();
        await().atMost(WAIT).untilAsserted(() -> assertThat(reconciles()).isGreaterThanOrEqualTo(regions));
        // A finished reconcile has made its object writes; only its status write follows, and that is
        // counted before it is sent: so nothing (wrongly) written can still be on its way.
        assertThat(operator.apiWrites().keySet()).as("API writes of the restarted operator").isSubsetOf("derpmap");

        assertThat(resourceVersions("restart-ns")).isEqualTo(before);
    }

    /** Number of DerpRegion reconciles the running operator finished, from its own metrics. */
    private static double reconciles() {
        return operator.metricSum("waystation_operator_region_reconciles_total");
    }

    private static Map<String, String> resourceVersions(String namespace) {
        Map<String, String> versions = new TreeMap<>();
        List<HasMetadata> objects = new ArrayList<>();
        objects.addAll(client.resources(DerpRegion.class).inNamespace(namespace).list().getItems());
        objects.addAll(client.apps().statefulSets().inNamespace(namespace).list().getItems());
        objects.addAll(client.services().inNamespace(namespace).list().getItems());
        objects.addAll(client.configMaps().inNamespace(namespace).list().getItems());
        objects.addAll(client.secrets().inNamespace(namespace).list().getItems());
        objects.addAll(client.policy().v1().podDisruptionBudget().inNamespace(namespace).list().getItems());
        objects.addAll(client.serviceAccounts().inNamespace(namespace).list().getItems());
        objects.addAll(client.rbac().roles().inNamespace(namespace).list().getItems());
        objects.addAll(client.rbac().roleBindings().inNamespace(namespace).list().getItems());
        objects.add(client.configMaps().inNamespace("default").withName("waystation-derp-map").get());
        objects.forEach(o -> versions.put(o.getKind() + "/" + o.getMetadata().getNamespace() + "/"
                + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        assertThat(versions).containsKeys("DerpRegion/restart-ns/rst", "StatefulSet/restart-ns/rst");
        return versions;
    }

    @Test
    void aSelfSignedNodeNamedByDnsIsPinnedReachedByTailscaleAndKeepsItsPinAcrossARestart() throws Exception {
        proveSelfSignedRegion("ssdns", 990, "relay-a.selfsigned.test");
    }

    @Test
    void aSelfSignedNodeNamedByAnIpIsPinnedReachedByTailscaleAndKeepsItsPinAcrossARestart() throws Exception {
        proveSelfSignedRegion("ssip", 991, "127.0.0.1");
    }

    /**
     * A SelfSigned region whose relay runs from exactly what the operator wrote ({@link RelaysAsPods}):
     * the pin in the status and in the published DERP map is the certificate the relay serves,
     * Tailscale's {@code derphttp}, given nothing but the published map, connects and exchanges packets,
     * and a restarted relay serves the same certificate, so the pin holds.
     */
    private static void proveSelfSignedRegion(String name, int regionId, String hostname) throws Exception {
        String namespace = "selfsigned-ns";
        int derpPort = LoopbackPorts.free();
        // HostNetwork: no Service (so no cluster IP to publish); the node's address is forced to loopback.
        create(namespace, """
                regionId: %d
                regionCode: %s
                regionName: Self-signed %s
                hostnames: ["%s"]
                derpPort: %d
                service:
                  type: HostNetwork
                  nodes:
                  - ipv4: 127.0.0.1
                """.formatted(regionId, name, name, hostname, derpPort), name);
        await("node certificate Secret").atMost(WAIT)
                .until(() -> client.secrets().inNamespace(namespace).withName(name + "-node-tls").get() != null);
        assertThat(client.secrets().inNamespace(namespace).withName(name + "-node-tls").get().getData())
                .containsKeys(hostname + ".crt", hostname + ".key", "mesh-ca.crt");

        Path mounts = Files.createTempDirectory(Path.of("target"), name + "-pod-");
        RelayProcess relay = RelaysAsPods.start(client, namespace, name, 0, derpPort, mounts);
        try {
            RelayPods.markReady(client, namespace, name, 0);
            DerpRegion region = awaitStatus(namespace, name, s -> s.getDerpMapRegion() != null
                    && s.getNodes().get(0).getCertName() != null);
            DerpNodeStatus node = region.getStatus().getNodes().get(0);
            String served = RelaysAsPods.servedPin(hostname, derpPort);
            assertThat(node.getCertName()).isEqualTo(served).startsWith("sha256-raw:");
            assertThat(node.getCertificateNotAfter()).isNotNull();
            assertThat(region.getStatus().getDerpMapRegion().getNodes().get(0).getCertName()).isEqualTo(served);
            String derpMapUrl = operator.url("/derpmap.json");
            assertThat(RelaysAsPods.tailscaleExchange(derpMapUrl, regionId)).contains("NODE " + regionId + "a " + hostname);

            relay.stop(Duration.ofSeconds(30));
            relay = RelaysAsPods.start(client, namespace, name, 0, derpPort, mounts);
            assertThat(RelaysAsPods.servedPin(hostname, derpPort)).as("pin after a relay restart").isEqualTo(served);
            assertThat(awaitStatus(namespace, name, s -> true).getStatus().getNodes().get(0).getCertName())
                    .isEqualTo(served);
            assertThat(RelaysAsPods.tailscaleExchange(derpMapUrl, regionId)).contains("NODE " + regionId + "a " + hostname);
        } finally {
            relay.close();
        }
    }

    /** Runs the Go harness' derpmapcheck: Tailscale's tailcfg.DERPMap decodes the operator's JSON. */
    private static List<String> derpMapCheck(String url) throws Exception {
        Process process = new ProcessBuilder(GoHarness.command("derpmapcheck").toString(), url)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("derpmapcheck output:\n%s", output).isZero();
        return output.lines().toList();
    }
}

package dev.waystation.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.GoHarness;
import dev.waystation.testing.KubeNode;
import dev.waystation.testing.KubectlResult;
import dev.waystation.testing.PebbleCa;
import dev.waystation.testing.ProcessRun;
import dev.waystation.testing.ToolScript;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The operator's output running as real pods on a real node: {@code kubectl apply} of the install
 * manifest and of DerpRegions as a user writes them, relays Ready, and Tailscale's own DERP client
 * ({@code derphttp}) relaying packets through every node at the address the operator's DERP map
 * publishes for it; a Policy disconnecting a client; a deleted region leaving nothing behind.
 *
 * <p>Exposure and TLS: the regions use {@code service.type: NodePort} (the node has no load
 * balancer, and HostNetwork is not allowed under the restricted Pod Security level; the DERP map
 * publishes the node's IP and each Service's node port, which the clients reach from inside the
 * node's network namespace) and {@code tls.mode: Manual} with DNS hostnames and a test CA the
 * clients trust; one region uses the default SelfSigned mode, which clients trust by the pin the
 * DERP map publishes, and one LetsEncrypt mode with Pebble running in the node's network namespace.
 */
class DerpRegionOnNodeIT {

    private static final String NAMESPACE = OperatorOnNode.REGION_NAMESPACE;
    private static final String TLS_SECRET = "relay-tls";
    private static final String DOMAIN = "relay.waystation.test";
    private static final Duration PODS_READY = Duration.ofMinutes(5);
    private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(2);
    /** How fast a denying Policy must reach a connected client (the operator's promise). */
    private static final Duration POLICY_DISCONNECT = Duration.ofSeconds(2);
    private static final Duration DISCONNECT_REPORTED = Duration.ofSeconds(60);
    /** Public ports of the HostNetwork region, bound on the node itself (unprivileged, free on the test node). */
    private static final int HOST_NETWORK_DERP_PORT = 9443;
    private static final int HOST_NETWORK_STUN_PORT = 3479;
    /** The LetsEncrypt region's public ports, on the node itself, apart from the HostNetwork region's. */
    private static final int ACME_DERP_PORT = 9444;
    private static final int ACME_HTTP_PORT = 9081;
    private static final int ACME_STUN_PORT = 3480;
    private static final long ACME_VALIDITY_SECONDS = 30 * 24 * 3600; // past the prober's 7-day minimum

    private static OperatorOnNode operator;
    private static KubeNode node;
    private static TestCertificates certificates;

    @BeforeAll
    static void installOperator() {
        operator = OperatorOnNode.get();
        node = operator.node();
        // The region namespace (restricted, with the operator's RoleBinding) comes with the install.
        certificates = TestCertificates.issue(IntStream.range(0, 3).mapToObj(DerpRegionOnNodeIT::hostname).toList());
        node.kubectl("create", "secret", "tls", TLS_SECRET, "-n", NAMESPACE, "--cert=" + certificates.certificate(),
                "--key=" + certificates.key()).assertSuccess();
        // The operator mounts only Secrets labelled for Waystation (README, "Least privilege").
        node.kubectl("label", "secret", TLS_SECRET, "-n", NAMESPACE, "waystation.dev/tls-secret=true").assertSuccess();
    }

    @Test
    void regionsRelayThroughTheDerpMapDeletionCleansUpAndPolicyDisconnects() throws IOException {
        apply(region("solo", 910, List.of(hostname(0))));
        apply(region("pair", 911, List.of(hostname(1), hostname(2))));
        awaitReadyRelays("solo", 1);
        awaitReadyRelays("pair", 2);

        String derpMapUrl = operator.derpMapUrl();
        await("both regions with every node addressed in the DERP map").atMost(PODS_READY).pollInterval(Duration.ofSeconds(1))
                .until(() -> derpMapNodes(derpMapUrl).size() == 3);
        List<String> mapNodes = derpMapNodes(derpMapUrl);
        assertThat(mapNodes).anySatisfy(line -> assertThat(line).startsWith("node 910a 910 " + hostname(0) + " "))
                .anySatisfy(line -> assertThat(line).startsWith("node 911a 911 " + hostname(1) + " "))
                .anySatisfy(line -> assertThat(line).startsWith("node 911b 911 " + hostname(2) + " "));

        for (int regionId : List.of(910, 911)) {
            KubectlResult relayed = client(CLIENT_TIMEOUT, GoHarness.command("derpcheck").toString(), "region",
                    derpMapUrl, String.valueOf(regionId));
            assertThat(relayed.exitCode()).as("derpcheck region %d through %s:\n%s", regionId, derpMapUrl, relayed.output())
                    .isZero();
            // The client reached each node at exactly the host, address and port the map publishes.
            for (String line : mapNodes) {
                String[] fields = line.split(" ");
                if (fields[2].equals(String.valueOf(regionId))) {
                    assertThat(relayed.output()).contains("NODE " + fields[1] + " " + fields[3] + " " + fields[4] + " "
                            + fields[7] + " OK");
                }
            }
        }

        node.kubectl("delete", "derpregion", "pair", "-n", NAMESPACE, "--timeout=120s").assertSuccess();
        await("every object of region pair to be gone").atMost(PODS_READY).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(leftovers("pair")).isEmpty());
        await("region 911 to leave the DERP map").atMost(PODS_READY).pollInterval(Duration.ofSeconds(1))
                .until(() -> derpMapNodes(derpMapUrl).stream().noneMatch(line -> line.startsWith("node 911")));
        assertThat(leftovers("solo")).as("the other region keeps its objects").isNotEmpty();

        policyDenyDisconnects(derpMapUrl);
    }

    /**
     * SelfSigned, the default, with two nodes named by DNS: Tailscale's client trusts each relay only
     * through the pin ({@code CertName}) the operator's map publishes (no CA is given to it), and a client
     * homed on node 0 and one on node 1 exchange packets, which only the mesh between the two pods
     * can carry: the relays dial each other by pod DNS name and verify each other with the region's
     * certificate bundle.
     */
    @Test
    void selfSignedRegionIsPinnedAndRelaysThroughTheMeshBetweenPods() throws IOException {
        String region = "selfsig";
        apply(region(region, 913, List.of(hostname(3), hostname(4))).replace("""
                  tls:
                    mode: Manual
                    secretName: %s
                """.formatted(TLS_SECRET), ""));
        awaitReadyRelays(region, 2);
        String derpMapUrl = operator.derpMapUrl();
        await("both SelfSigned nodes in the DERP map").atMost(PODS_READY).pollInterval(Duration.ofSeconds(1))
                .until(() -> derpMapNodes(derpMapUrl).stream().filter(line -> line.startsWith("node 913")).count() == 2);
        List<String[]> nodes = derpMapNodes(derpMapUrl).stream().filter(line -> line.startsWith("node 913"))
                .map(line -> line.split(" ")).toList();
        assertThat(node.kubectl("get", "derpregion", region, "-n", NAMESPACE, "-o",
                "jsonpath={.status.nodes[*].certName}").assertSuccess().output().split(" "))
                .hasSize(2).allMatch(pin -> pin.matches("sha256-raw:[0-9a-f]{64}"));

        KubectlResult pinned = node.inNamespace(CLIENT_TIMEOUT, GoHarness.command("derpcheck").toString(), "region",
                derpMapUrl, "913");
        assertThat(pinned.exitCode()).as("derpcheck region 913 (trusting only the pins):\n%s\n%s", pinned.output(),
                describePods(NAMESPACE, region)).isZero();

        Path bundle = Files.createTempFile("selfsig-mesh-ca", ".crt");
        Files.write(bundle, java.util.Base64.getDecoder().decode(node.client().secrets().inNamespace(NAMESPACE)
                .withName(region + "-node-tls").get().getData().get("mesh-ca.crt")));
        String[] first = nodes.get(0);
        String[] second = nodes.get(1);
        KubectlResult crossed = node.inNamespace(CLIENT_TIMEOUT, "env", "SSL_CERT_FILE=" + bundle,
                "MESHCHECK_DIAL_HOST=" + first[4], GoHarness.command("meshcheck").toString(), "cross",
                "https://" + first[3] + ":" + first[7] + "/derp", "https://" + second[3] + ":" + second[7] + "/derp");
        assertThat(crossed.exitCode()).as("meshcheck cross 913a -> 913b:\n%s\n%s", crossed.output(),
                describePods(NAMESPACE, region)).isZero();

        node.kubectl("delete", "derpregion", region, "-n", NAMESPACE, "--timeout=120s").assertSuccess();
    }

    /**
     * Pod Security: the operator's and the relays' pods run in namespaces that enforce the
     * {@code restricted} level from before their first pod, while a pod without the restricted
     * settings is refused there (so the enforcement is really on).
     */
    @Test
    void operatorAndRelayPodsAreAdmittedUnderRestrictedPodSecurity() throws IOException {
        for (String namespace : List.of(OperatorOnNode.NAMESPACE, NAMESPACE)) {
            assertThat(node.kubectl("get", "namespace", namespace, "-o",
                    "jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}").assertSuccess().output())
                    .as("Pod Security level enforced in %s", namespace).isEqualTo(OperatorOnNode.RESTRICTED);
        }
        assertThat(node.kubectl("get", "pods", "-n", OperatorOnNode.NAMESPACE, "-o",
                "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}").assertSuccess().output())
                .as("the operator pod is admitted and Ready").contains("True");

        apply(region("admitted", 912, List.of(hostname(0))));
        awaitReadyRelays("admitted", 1);

        KubectlResult refused = node.kubectl("run", "unrestricted", "-n", NAMESPACE, "--restart=Never",
                "--image=" + node.sandboxImage()); // present on the node: a refusal is about security
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("violates PodSecurity \"restricted:latest\"");
        node.kubectl("delete", "derpregion", "admitted", "-n", NAMESPACE, "--timeout=120s").assertSuccess();
    }

    /**
     * {@code tls.mode: CertManager} with cert-manager's CRDs installed: the operator's Certificate names
     * the node and the Secret; the relay pod cannot start without that Secret (its mount fails); the
     * test then plays cert-manager's controller and writes the Secret (signed by the test CA, with
     * {@code ca.crt} and the template's labels), after which the relay becomes Ready and a
     * {@code derphttp} client trusting the CA relays through the address the DERP map publishes.
     */
    @Test
    void certManagerRegionRelaysOnceItsSecretIsWritten() throws IOException {
        Path crds = ToolScript.run("src/certmanager/crds.sh", 10);
        node.kubectl("apply", "-f", crds.toString()).assertSuccess();
        node.kubectl("wait", "--for=condition=Established", "crd/certificates.cert-manager.io", "--timeout=60s")
                .assertSuccess();
        apply(region("issued", 913, List.of(hostname(0)), """
                mode: CertManager
                certManager:
                  issuerRef:
                    name: test-ca
                    kind: ClusterIssuer"""));
        await("the region's Certificate").atMost(PODS_READY).pollInterval(Duration.ofSeconds(1))
                .until(() -> node.kubectl("get", "certificate", "issued", "-n", NAMESPACE, "-o",
                        "jsonpath={.spec.secretName} {.spec.dnsNames[*]} {.spec.issuerRef.kind}/{.spec.issuerRef.name}")
                        .output().strip(), ("issued-tls " + hostname(0) + " ClusterIssuer/test-ca")::equals);
        await("the relay pod to wait for its certificate Secret").atMost(PODS_READY).pollInterval(Duration.ofSeconds(1))
                .until(() -> node.kubectl("get", "events", "-n", NAMESPACE, "--field-selector",
                        "involvedObject.name=issued-0,reason=FailedMount", "-o", "jsonpath={.items[*].message}")
                        .output(), message -> message.contains("issued-tls"));
        try (KubernetesClient client = node.client()) {
            assertThat(client.pods().inNamespace(NAMESPACE).withName("issued-0").get()).matches(pod -> !ready(pod),
                    "not Ready without its certificate");
            String labels = node.kubectl("get", "certificate", "issued", "-n", NAMESPACE, "-o",
                    "jsonpath={.spec.secretTemplate.labels}").assertSuccess().output();
            assertThat(labels).contains("waystation.dev/tls-secret");
            client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder()
                    .withNewMetadata().withName("issued-tls").addToLabels("waystation.dev/tls-secret", "true")
                    .addToAnnotations("cert-manager.io/certificate-name", "issued").endMetadata()
                    .withType("kubernetes.io/tls")
                    .addToStringData("tls.crt", Files.readString(certificates.certificate()))
                    .addToStringData("tls.key", Files.readString(certificates.key()))
                    .addToStringData("ca.crt", Files.readString(certificates.caCertificate()))
                    .build()).create();
        }
        awaitReadyRelays("issued", 1);
        assertThat(relayThroughMappedRegion(913)).contains("NODE 913a " + hostname(0));
        node.kubectl("delete", "derpregion", "issued", "-n", NAMESPACE, "--timeout=120s").assertSuccess();
    }

    /**
     * {@code service.type: HostNetwork}, derper's dedicated-machine pattern: no Service, the relay binds
     * the region's public ports on the node itself, and the DERP map publishes the node's IP with those
     * ports, where a {@code derphttp} client relays. Ports above 1023, since binding 443/80 needs the node's
     * {@code net.ipv4.ip_unprivileged_port_start} lowered (README); the namespace is Pod Security
     * {@code privileged}, the only level that admits host-network pods.
     */
    @Test
    void hostNetworkRegionRelaysOnTheNodesOwnAddress() throws IOException {
        String namespace = OperatorOnNode.HOST_NETWORK_NAMESPACE;
        node.kubectl("create", "secret", "tls", TLS_SECRET, "-n", namespace, "--cert=" + certificates.certificate(),
                "--key=" + certificates.key()).assertSuccess();
        node.kubectl("label", "secret", TLS_SECRET, "-n", namespace, "waystation.dev/tls-secret=true").assertSuccess();
        apply("""
                apiVersion: waystation.dev/v1alpha1
                kind: DerpRegion
                metadata:
                  name: hostnet
                  namespace: %s
                spec:
                  regionId: 914
                  regionCode: hostnet
                  regionName: End to end host network
                  hostnames: [%s]
                  derpPort: %d
                  stunPort: %d
                  httpPort: 0
                  imagePullPolicy: Never
                  service:
                    type: HostNetwork
                  tls:
                    mode: Manual
                    secretName: %s
                """.formatted(namespace, hostname(0), HOST_NETWORK_DERP_PORT, HOST_NETWORK_STUN_PORT, TLS_SECRET));
        awaitReadyRelays(namespace, "hostnet", 1);
        try (KubernetesClient client = node.client()) {
            assertThat(client.pods().inNamespace(namespace).withName("hostnet-0").get().getSpec().getHostNetwork())
                    .isTrue();
            assertThat(client.services().inNamespace(namespace).withLabel("waystation.dev/derp-region", "hostnet")
                    .list().getItems()).extracting(service -> service.getMetadata().getName())
                    .as("only the headless mesh Service, no per-node Service").containsExactly("hostnet-mesh");
        }
        assertThat(relayThroughMappedRegion(914)).containsPattern("NODE 914a " + hostname(0).replace(".", "\\.")
                + " \\S+ " + HOST_NETWORK_DERP_PORT + " OK");
        node.kubectl("delete", "derpregion", "hostnet", "-n", namespace, "--timeout=120s").assertSuccess();
    }

    /**
     * {@code tls.mode: LetsEncrypt} against Let's Encrypt's Pebble CA running in the node's network
     * namespace. The region is on the host network (derper's usual Let's Encrypt setup): the relay
     * reaches Pebble's directory on the node's loopback, trusting Pebble's API certificate from
     * {@code letsEncrypt.caConfigMap}, and Pebble validates HTTP-01 at the node name's address (its DNS
     * resolves every name to the node IP) on the region's {@code httpPort}, where the relay answers. The
     * pod becomes Ready with Pebble's certificate, a {@code derphttp} client trusting only Pebble's root
     * relays through the DERP map's address, and a deleted pod comes back from its Secret without a
     * new order.
     */
    @Test
    void letsEncryptRegionGetsItsCertificateFromPebbleAndARestartedPodOrdersNoMore() throws IOException {
        String namespace = OperatorOnNode.HOST_NETWORK_NAMESPACE;
        Path dir = Files.createTempDirectory("pebble-e2e");
        try (PebbleCa pebble = PebbleCa.inNode(node, dir, ACME_HTTP_PORT, ACME_DERP_PORT, ACME_VALIDITY_SECONDS)) {
            node.kubectl("create", "configmap", "pebble-ca", "-n", namespace,
                    "--from-file=ca.crt=" + pebble.apiCaFile()).assertSuccess();
            apply("""
                    apiVersion: waystation.dev/v1alpha1
                    kind: DerpRegion
                    metadata:
                      name: acme
                      namespace: %s
                    spec:
                      regionId: 916
                      regionCode: acme
                      regionName: End to end Let's Encrypt
                      hostnames: [%s]
                      derpPort: %d
                      httpPort: %d
                      stunPort: %d
                      imagePullPolicy: Never
                      service:
                        type: HostNetwork
                      tls:
                        mode: LetsEncrypt
                        letsEncrypt:
                          email: relay-admin@example.com
                          directoryUrl: %s
                          caConfigMap:
                            name: pebble-ca
                    """.formatted(namespace, hostname(5), ACME_DERP_PORT, ACME_HTTP_PORT, ACME_STUN_PORT,
                    pebble.directoryUrl()));
            awaitReadyRelays(namespace, "acme", 1);
            assertThat(pebble.ordersCreated()).as(pebble::logText).isEqualTo(1);
            Path root = pebble.writeIssuingRoot(dir.resolve("pebble-root.pem"));
            assertThat(relayTrusting(root, 916)).contains("NODE 916a " + hostname(5));

            String firstPod;
            try (KubernetesClient client = node.client()) {
                firstPod = client.pods().inNamespace(namespace).withName("acme-0").get().getMetadata().getUid();
                assertThat(client.secrets().inNamespace(namespace).withName("acme-0-acme").get().getData())
                        .containsKeys("acme-account.key", "tls.crt", "tls.key");
            }
            node.kubectl("delete", "pod", "acme-0", "-n", namespace, "--timeout=120s").assertSuccess();
            try (KubernetesClient client = node.client()) {
                await("a new pod acme-0").atMost(PODS_READY).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    Pod pod = client.pods().inNamespace(namespace).withName("acme-0").get();
                    return pod != null && !pod.getMetadata().getUid().equals(firstPod);
                });
            }
            awaitReadyRelays(namespace, "acme", 1);
            assertThat(relayTrusting(root, 916)).contains("NODE 916a " + hostname(5));
            assertThat(pebble.ordersCreated()).as("orders Pebble saw across the pod's restart").isEqualTo(1);
            assertThat(node.kubectl("logs", "-n", namespace, "acme-0").output())
                    .contains("using the stored ACME certificate for " + hostname(5));
        } finally {
            node.kubectl("delete", "derpregion", "acme", "-n", namespace, "--ignore-not-found", "--timeout=120s")
                    .assertSuccess();
        }
    }

    /** {@code derpcheck region} through the DERP map, trusting only {@code root}; its output. */
    private String relayTrusting(Path root, int regionId) {
        String derpMapUrl = operator.derpMapUrl();
        String firstNode = "node " + regionId + "a " + regionId + " ";
        await("region %d in the DERP map".formatted(regionId)).atMost(PODS_READY).pollInterval(Duration.ofSeconds(1))
                .until(() -> derpMapNodes(derpMapUrl).stream().anyMatch(line -> line.startsWith(firstNode)));
        KubectlResult relayed = node.inNamespace(CLIENT_TIMEOUT, "env", "SSL_CERT_FILE=" + root,
                GoHarness.command("derpcheck").toString(), "region", derpMapUrl, String.valueOf(regionId));
        assertThat(relayed.exitCode()).as("derpcheck region %d trusting Pebble's root:\n%s", regionId, relayed.output())
                .isZero();
        return relayed.output();
    }

    /**
     * Once the region's first node is in the DERP map, {@code derpcheck} (trusting the test CA) relays
     * through every node of the region at the map's addresses; its output ({@code NODE ... OK} lines).
     */
    private String relayThroughMappedRegion(int regionId) {
        return relayTrusting(certificates.caCertificate(), regionId);
    }

    /** A client connected to node 910a is dropped within two seconds of a Policy denying its key. */
    private void policyDenyDisconnects(String derpMapUrl) throws IOException {
        List<String> keys = ProcessRun.run(List.of(GoHarness.command("keygen").toString()), "keygen", CLIENT_TIMEOUT)
                .assertSuccess().output().lines().toList();
        String privateKey = keys.get(0);
        String nodeKey = keys.get(1);
        Path output = Files.createTempFile("derpclient-hold", ".out");
        Process client = node.startInNamespace(output, Map.of("SSL_CERT_FILE", certificates.caCertificate().toString()),
                GoHarness.command("derpclient").toString(), "hold", derpMapUrl + "#910a", privateKey, "120");
        try {
            await("the client to connect to 910a").atMost(CLIENT_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(output).contains("CONNECTED"));
            assertThat(Files.readString(output)).doesNotContain("DISCONNECTED");
            apply("""
                    apiVersion: waystation.dev/v1alpha1
                    kind: Policy
                    metadata:
                      name: deny-one-client
                      namespace: %s
                    spec:
                      scope: Device
                      enforcement: Mandatory
                      settings:
                        Admission.DeniedClients:
                          - %s
                    """.formatted(NAMESPACE, nodeKey));
            long applied = System.nanoTime();
            // Waits past the promise, so a miss reports how late the disconnect came (or that it never did).
            await("the denied client to be disconnected").atMost(DISCONNECT_REPORTED).pollInterval(Duration.ofMillis(50))
                    .until(() -> Files.readString(output).contains("DISCONNECTED"));
            Duration took = Duration.ofNanos(System.nanoTime() - applied);
            String appliedAt = java.time.Instant.now().minus(took).toString();
            assertThat(took).as(() -> "the denied client was disconnected %d ms after kubectl apply returned at %s; "
                    .formatted(took.toMillis(), appliedAt) + "policy, operator and relay logs:\n"
                    + node.kubectl("get", "policy", "deny-one-client", "-n", NAMESPACE, "-o", "yaml").output()
                    + node.kubectl("logs", "-n", OperatorOnNode.NAMESPACE, "deployment/" + OperatorOnNode.DEPLOYMENT,
                            "--tail=15", "--timestamps").output()
                    + node.kubectl("logs", "-n", NAMESPACE, "solo-0", "--tail=80", "--timestamps").output())
                    .isLessThanOrEqualTo(POLICY_DISCONNECT);
        } finally {
            client.destroyForcibly();
            node.kubectl("delete", "policy", "deny-one-client", "-n", NAMESPACE, "--ignore-not-found").assertSuccess();
        }
    }

    /** Every object the operator made for a region that still exists: labelled with it, or a pod of it. */
    private List<String> leftovers(String region) {
        String labelled = node.kubectl("get",
                "statefulsets,services,configmaps,secrets,serviceaccounts,roles,rolebindings,poddisruptionbudgets,pods",
                "-n", NAMESPACE, "-l", "waystation.dev/derp-region=" + region, "-o", "name").assertSuccess().output();
        String pods = node.kubectl("get", "pods", "-n", NAMESPACE, "-l", "app.kubernetes.io/instance=" + region,
                "-o", "name").assertSuccess().output();
        return (labelled + pods).lines().filter(line -> !line.isBlank()).distinct().toList();
    }

    private static String hostname(int index) {
        return "derp" + index + "." + DOMAIN;
    }

    private static String region(String name, int regionId, List<String> hostnames) {
        return region(name, regionId, hostnames, """
                mode: Manual
                secretName: %s""".formatted(TLS_SECRET));
    }

    /** A NodePort region of the given hostnames; {@code tls} is the body of spec.tls. */
    private static String region(String name, int regionId, List<String> hostnames, String tls) {
        return """
                apiVersion: waystation.dev/v1alpha1
                kind: DerpRegion
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  regionId: %d
                  regionCode: %s
                  regionName: End to end %s
                  nodes: %d
                  hostnames: [%s]
                  imagePullPolicy: Never
                  service:
                    type: NodePort
                  tls:
                %s
                """.formatted(name, NAMESPACE, regionId, name, name, hostnames.size(), String.join(", ", hostnames),
                tls.indent(4).stripTrailing());
    }

    private void apply(String yaml) throws IOException {
        Path file = Files.createTempFile("e2e", ".yaml");
        Files.writeString(file, yaml);
        node.kubectl("apply", "-f", file.toString()).assertSuccess();
    }

    private void awaitReadyRelays(String region, int nodes) {
        awaitReadyRelays(NAMESPACE, region, nodes);
    }

    private void awaitReadyRelays(String namespace, String region, int nodes) {
        try (KubernetesClient client = node.client()) {
            await("%d Ready relay pod(s) of region %s".formatted(nodes, region)).atMost(PODS_READY)
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        List<String> ready = client.pods().inNamespace(namespace)
                                .withLabel("app.kubernetes.io/instance", region).list().getItems().stream()
                                .map(pod -> pod.getMetadata().getName() + (ready(pod) ? " Ready" : " not ready")).toList();
                        assertThat(ready).as(() -> describePods(namespace, region)).hasSize(nodes).allMatch(pod -> pod.endsWith(" Ready"));
                    });
        }
    }

    /** What a user would look at when relays do not become Ready: pods, events and the relays' logs. */
    private String describePods(String namespace, String region) {
        return node.kubectl("get", "pods,events", "-n", namespace, "-o", "wide").output()
                + node.kubectl("logs", "-n", namespace, "-l", "app.kubernetes.io/instance=" + region, "--tail=30",
                        "--prefix").output();
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The node lines of derpmapcheck: the map decoded with tailcfg.DERPMap, one line per node. */
    private List<String> derpMapNodes(String derpMapUrl) {
        KubectlResult decoded = client(CLIENT_TIMEOUT, GoHarness.command("derpmapcheck").toString(), derpMapUrl)
                .assertSuccess();
        return decoded.output().lines().filter(line -> line.startsWith("node ") && !line.contains(" - - "))
                .toList();
    }

    /** A harness command inside the node's namespace, trusting the test CA. */
    private KubectlResult client(Duration timeout, String... command) {
        String[] withCa = new String[command.length + 2];
        withCa[0] = "env";
        withCa[1] = "SSL_CERT_FILE=" + certificates.caCertificate();
        System.arraycopy(command, 0, withCa, 2, command.length);
        return node.inNamespace(timeout, withCa);
    }
}

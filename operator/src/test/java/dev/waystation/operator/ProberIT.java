package dev.waystation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.waystation.crd.v1alpha1.Conditions;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionStatus;
import dev.waystation.crd.v1alpha1.NodeProbeStatus;
import dev.waystation.crd.v1alpha1.ProbeResult;
import dev.waystation.operator.e2e.TestCertificates;
import dev.waystation.testing.Closer;
import dev.waystation.testing.GoCheck;
import dev.waystation.testing.GoHarness;
import dev.waystation.testing.LoopbackPorts;
import dev.waystation.testing.RelayProcess;
import dev.waystation.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The operator's prober against a 2-node region of real relays on loopback (node a on 127.0.0.1,
 * node b on 127.0.0.2, same DERP and STUN ports, TLS from one test CA, meshed), in the DERP map
 * with HostName {@code localhost} and each node's IPv4 (derpprobe's DERP probes insist on a TLS server
 * name equal to the HostName, which an IP literal never has), published by the
 * packaged operator on a real API server: every probe passes; STUN switched off on b by policy fails
 * b's STUN probe in status and metrics; Tailscale's {@code derpprobe -once} agrees with the status on
 * every node and kind; b stopped fails its DERP and mesh probes, leaves the DERP map with a Warning
 * Event and the NodesWithheld condition, and comes back once restarted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProberIT {

    private static final String NS = "probe-it";
    private static final String REGION = "prb";
    private static final int REGION_ID = 960;
    private static final List<String> ADDRESSES = List.of("127.0.0.1", "127.0.0.2");
    /**
     * The relays are named by their addresses (mesh peers verify those; a relay named by an IP literal
     * answers any TLS server name, as derper does); the DERP map says localhost for both.
     */
    private static final List<String> RELAY_NAMES = ADDRESSES;
    private static final String MAP_HOSTNAME = "localhost";
    private static final String TLS_SECRET = "prb-tls";
    /** Longer than the week within which derpprobe and the prober fail a certificate. */
    private static final int CERTIFICATE_DAYS = 30;
    private static final int WITHHOLD_AFTER = 2;
    private static final int RESTORE_AFTER = 2;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long DERPPROBE_TIMEOUT_SECONDS = 120;
    private static final Pattern DERPPROBE_LINE = Pattern.compile("(good|bad): derp/" + REGION + "/([^:\\s]+):");

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static OperatorProcess operator;
    private static TestCertificates certificates;
    private static Path dir;
    private static int derpPort;
    private static int stunPort;
    private static final RelayProcess[] relays = new RelayProcess[2];
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void regionOfTwoRelays() throws Exception {
        dir = Files.createTempDirectory("prober-it");
        certificates = TestCertificates.issue(List.of(MAP_HOSTNAME, RELAY_NAMES.get(0), RELAY_NAMES.get(1)),
                CERTIFICATE_DAYS);
        Files.writeString(dir.resolve("mesh.key"), HexFormat.of().formatHex(randomBytes(32)));
        // Each relay binds its own address, both the same ports.
        List<InetAddress> addresses = new ArrayList<>();
        for (String address : ADDRESSES) {
            addresses.add(InetAddress.getByName(address));
        }
        derpPort = LoopbackPorts.freeTcp(addresses);
        stunPort = LoopbackPorts.freeUdp(addresses);
        writePolicy(1, true);
        for (int i = 0; i < 2; i++) {
            startRelay(i);
        }
        cluster = TestCluster.start();
        client = cluster.client();
        OperatorProcess.installCrds(cluster);
        Map<String, String> environment = new HashMap<>(OperatorProcess.TEST_CONFIG);
        environment.put("WAYSTATION_OPERATOR_PROBE_ENABLED", "true");
        environment.put("WAYSTATION_OPERATOR_PROBE_INTERVAL", "1s");
        environment.put("WAYSTATION_OPERATOR_PROBE_TIMEOUT", "3s");
        environment.put("WAYSTATION_OPERATOR_PROBE_WITHHOLD_AFTER", Integer.toString(WITHHOLD_AFTER));
        environment.put("WAYSTATION_OPERATOR_PROBE_RESTORE_AFTER", Integer.toString(RESTORE_AFTER));
        environment.put("WAYSTATION_OPERATOR_PROBE_STATUS_REFRESH", "1s");
        environment.put("WAYSTATION_OPERATOR_PROBE_CA_FILE", certificates.caCertificate().toString());
        operator = OperatorProcess.start(cluster, environment);
        Regions.namespace(client, NS);
        // The relays serve the test CA's certificate: the region says so (Manual), otherwise the operator
        // would publish the pins of SelfSigned certificates these hand-started relays never load.
        client.secrets().inNamespace(NS).resource(new SecretBuilder()
                .withNewMetadata().withName(TLS_SECRET).addToLabels("waystation.dev/tls-secret", "true").endMetadata()
                .withType("kubernetes.io/tls")
                .addToStringData("tls.crt", Files.readString(certificates.certificate()))
                .addToStringData("tls.key", Files.readString(certificates.key()))
                .build()).create();
        client.resource(Manifests.derpRegion(REGION, NS, """
                regionId: %d
                regionCode: %s
                regionName: Prober IT
                nodes: 2
                hostnames: ["%s", "%s"]
                derpPort: %d
                stunPort: %d
                tls:
                  mode: Manual
                  secretName: %s
                service:
                  type: ClusterIP
                  nodes:
                    - ipv4: %s
                    - ipv4: %s
                """.formatted(REGION_ID, REGION, MAP_HOSTNAME, MAP_HOSTNAME, derpPort, stunPort, TLS_SECRET,
                ADDRESSES.get(0), ADDRESSES.get(1)))).create();
        RelayPods.markReady(client, NS, REGION, 0);
        RelayPods.markReady(client, NS, REGION, 1);
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(relays[0], relays[1], operator, client, cluster);
    }

    @Test
    @Order(1)
    void everyProbePassesOnEveryNode() {
        DerpRegionStatus status = awaitProbes(probes -> probes.size() == 2
                && probes.stream().allMatch(n -> n.getResults().size() == 4
                        && n.getResults().stream().allMatch(r -> "Pass".equals(r.getResult()))));
        assertThat(status.getDerpMapRegion().getNodes()).hasSize(2);
        assertThat(status.getProbes()).allSatisfy(n -> {
            assertThat(n.getWithheld()).isFalse();
            assertThat(n.getCertificateNotAfter()).isNotNull();
        });
        String b = nodeName(1);
        await("success series of node b").atMost(WAIT).until(() -> metric("waystation_operator_probe_success", b, "stun") == 1
                && metric("waystation_operator_probe_success", b, "mesh") == 1);
        assertThat(Conditions.find(status.getConditions(), "NodesWithheld"))
                .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
    }

    @Test
    @Order(2)
    void stunSwitchedOffByPolicyFailsThatNodesStunProbeAndDerpprobeAgrees() throws Exception {
        String b = nodeName(1);
        writePolicy(1, false);
        DerpRegionStatus status = awaitProbes(probes -> result(probes, b, "stun").map(r -> "Fail".equals(r.getResult()))
                .orElse(false));
        assertThat(result(status.getProbes(), b, "stun").orElseThrow().getLastError()).isNotBlank();
        assertThat(result(status.getProbes(), nodeName(0), "stun").orElseThrow().getResult()).isEqualTo("Pass");
        await("stun success series of node b at 0").atMost(WAIT)
                .until(() -> metric("waystation_operator_probe_success", b, "stun") == 0);
        assertThat(events("ProbeFailing")).anySatisfy(e -> assertThat(e.getMessage()).contains(b).contains("stun"));

        DerpprobeRun derpprobe = derpprobeOnce();
        DerpRegionStatus now = awaitProbes(probes -> true);
        Map<String, Boolean> ours = new LinkedHashMap<>();
        for (NodeProbeStatus node : now.getProbes()) {
            for (ProbeResult r : node.getResults()) {
                ours.put(node.getName() + "/" + r.getKind(), "Pass".equals(r.getResult()));
            }
        }
        assertThat(ours).as("Waystation's prober vs derpprobe -once:\n%s", derpprobe.output()).isEqualTo(derpprobe.results());
        assertThat(derpprobe.results()).containsEntry(b + "/stun", false).containsEntry(b + "/derp", true);

        writePolicy(1, true);
        awaitProbes(probes -> result(probes, b, "stun").map(r -> "Pass".equals(r.getResult())).orElse(false));
        assertThat(events("ProbeRecovered")).anySatisfy(e -> assertThat(e.getMessage()).contains(b).contains("stun"));
    }

    @Test
    @Order(3)
    void aStoppedNodeLeavesTheDerpMapAndComesBackOnceRestarted() throws Exception {
        String b = nodeName(1);
        relays[1].close();
        relays[1] = null;
        DerpRegionStatus status = awaitProbes(probes -> probes.stream().anyMatch(n -> b.equals(n.getName())
                && Boolean.TRUE.equals(n.getWithheld())));
        assertThat(result(status.getProbes(), b, "derp").orElseThrow().getResult()).isEqualTo("Fail");
        assertThat(result(status.getProbes(), b, "derp").orElseThrow().getConsecutiveFailures())
                .isGreaterThanOrEqualTo(WITHHOLD_AFTER);
        await("node b's mesh probe failing").atMost(WAIT).until(() -> result(awaitProbes(p -> true).getProbes(), b, "mesh")
                .map(r -> "Fail".equals(r.getResult())).orElse(false));
        await("node b out of the DERP map").atMost(WAIT).until(() -> !publishedNodes().contains(b));
        assertThat(publishedNodes()).containsExactly(nodeName(0));
        DerpRegion region = client.resources(DerpRegion.class).inNamespace(NS).withName(REGION).get();
        assertThat(Conditions.find(region.getStatus().getConditions(), "NodesWithheld")).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getMessage()).contains(b).contains("DERP probe failed");
        });
        assertThat(events("NodeWithheld")).anySatisfy(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getMessage()).contains(b);
        });
        assertThat(metric("waystation_operator_probe_node_withheld", b, null)).isEqualTo(1);

        startRelay(1);
        await("node b back in the DERP map").atMost(WAIT).until(() -> publishedNodes().contains(b));
        DerpRegionStatus back = awaitProbes(probes -> probes.stream().anyMatch(n -> b.equals(n.getName())
                && Boolean.FALSE.equals(n.getWithheld())));
        assertThat(result(back.getProbes(), b, "derp").orElseThrow().getResult()).isEqualTo("Pass");
        assertThat(events("NodeRestored")).anySatisfy(e -> assertThat(e.getMessage()).contains(b));
    }

    // --- the region's relays

    private static void startRelay(int index) throws IOException {
        String address = ADDRESSES.get(index);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("waystation.relay.mode", "production");
        config.put("waystation.relay.host", address);
        config.put("waystation.relay.port", Integer.toString(derpPort));
        config.put("waystation.relay.http-port", "-1");
        config.put("waystation.relay.hostname", RELAY_NAMES.get(index));
        config.put("waystation.relay.key-file", dir.resolve("derper-" + index + ".key").toString());
        config.put("waystation.relay.tls.cert-file", certificates.certificate().toString());
        config.put("waystation.relay.tls.key-file", certificates.key().toString());
        config.put("waystation.relay.mesh-key-file", dir.resolve("mesh.key").toString());
        config.put("waystation.relay.mesh-with", RELAY_NAMES.get(0) + ":" + derpPort + "," + RELAY_NAMES.get(1) + ":" + derpPort);
        config.put("waystation.relay.mesh-ca-file", certificates.caCertificate().toString());
        config.put("waystation.relay.shutdown-grace-period", "1s");
        config.put("waystation.stun.port", Integer.toString(stunPort));
        config.put("waystation.stun.bind-addresses", address);
        config.put("waystation.policy.region", REGION);
        config.put("waystation.policy.file", dir.resolve("policy-" + index + ".yaml").toString());
        if (!Files.exists(dir.resolve("policy-" + index + ".yaml"))) {
            writePolicy(index, true);
        }
        relays[index] = RelayProcess.start(config);
    }

    private static void writePolicy(int index, boolean stunEnabled) throws IOException {
        Path tmp = dir.resolve("policy.tmp");
        Files.writeString(tmp, "version: 1\nsources:\n  - name: prober-it\n    scope: 'Device'\n    mandatory:\n"
                + "      STUN.Enabled: " + stunEnabled + "\n");
        Files.move(tmp, dir.resolve("policy-" + index + ".yaml"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    // --- what the operator shows

    private static String nodeName(int index) {
        return awaitProbes(probes -> probes.size() == 2).getDerpMapRegion().getNodes().get(index).getName();
    }

    private static DerpRegionStatus awaitProbes(java.util.function.Predicate<List<NodeProbeStatus>> done) {
        return Regions.awaitStatus(client, NS, REGION, s -> s.getProbes() != null && s.getDerpMapRegion() != null
                && done.test(s.getProbes())).getStatus();
    }

    private static Optional<ProbeResult> result(List<NodeProbeStatus> probes, String node, String kind) {
        return probes.stream().filter(n -> node.equals(n.getName())).flatMap(n -> n.getResults().stream())
                .filter(r -> kind.equals(r.getKind())).findFirst();
    }

    private static List<Event> events(String reason) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason())).toList();
    }

    /** One series of the operator's metrics for node (and kind, unless null); NaN when absent. */
    private static double metric(String name, String node, String kind) {
        return operator.metrics().lines().filter(l -> l.startsWith(name + "{") && l.contains("node=\"" + node + "\"")
                && (kind == null || l.contains("kind=\"" + kind + "\"")))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(Double.NaN);
    }

    private static List<String> publishedNodes() throws Exception {
        JsonNode map = JSON.readTree(httpGet(operator.url("/derpmap.json")));
        return map.path("Regions").path(Integer.toString(REGION_ID)).path("Nodes").findValuesAsText("Name");
    }

    private static String httpGet(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * {@code derpprobe -once} over the operator's DERP map, its results in the prober's terms: tls,
     * udp -> stun, a node's mesh probe to itself -> derp, to every other node -> mesh (all must pass).
     */
    private record DerpprobeRun(Map<String, Boolean> results, String output) {
    }

    private static DerpprobeRun derpprobeOnce() throws Exception {
        Path map = dir.resolve("derpmap.json");
        Files.writeString(map, httpGet(operator.url("/derpmap.json")));
        Path derpprobe = GoHarness.build("derpprobe", "tailscale.com/cmd/derpprobe");
        GoCheck.Result result = GoCheck.run(derpprobe, Map.of("SSL_CERT_FILE", certificates.caCertificate().toString()),
                DERPPROBE_TIMEOUT_SECONDS, "-derp-map", "file://" + map.toAbsolutePath(), "-once", "-spread=false",
                "-region-code", REGION);
        Map<String, Boolean> results = new LinkedHashMap<>();
        Matcher line = DERPPROBE_LINE.matcher(result.output());
        while (line.find()) {
            boolean good = line.group(1).equals("good");
            String[] parts = line.group(2).split("/");
            if (parts.length == 2 && parts[1].equals("tls")) {
                results.put(parts[0] + "/tls", good);
            } else if (parts.length == 2 && parts[1].equals("udp")) {
                results.put(parts[0] + "/stun", good);
            } else if (parts.length == 3 && parts[2].equals("mesh") && parts[0].equals(parts[1])) {
                results.put(parts[0] + "/derp", good);
            } else if (parts.length == 3 && parts[2].equals("mesh")) {
                results.merge(parts[0] + "/mesh", good, Boolean::logicalAnd);
            }
        }
        assertThat(results).as("derpprobe output:\n%s", result.output()).hasSize(8);
        return new DerpprobeRun(results, result.output());
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}

package dev.waystation.operator;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import dev.waystation.testing.GoHarness;
import dev.waystation.testing.LoopbackPorts;
import dev.waystation.testing.TestCluster;

/**
 * The packaged operator ({@code target/quarkus-app/quarkus-run.jar}) running as its own process
 * against a {@link TestCluster}, as it runs in a pod: so a test can stop and start it.
 */
final class OperatorProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /**
     * Settings of the operators the ITs start: the DERP map and the Lease in namespace {@code default}
     * (the test kubeconfig names no namespace), the test images allowed, extra ServiceMonitor labels,
     * the prober off.
     */
    static final Map<String, String> TEST_CONFIG = Map.of(
            "WAYSTATION_OPERATOR_DERP_MAP_NAMESPACE", "default",
            "WAYSTATION_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE", "default",
            "WAYSTATION_OPERATOR_ALLOWED_IMAGES", "waystation/relay:0.1.0,example.org/waystation/*",
            // The regions of most ITs publish addresses nobody runs (example.com names, cluster IPs):
            // never probe them. ProberIT turns the prober on for its loopback relays.
            "WAYSTATION_OPERATOR_PROBE_ENABLED", "false",
            "JAVA_TOOL_OPTIONS", "-Dwaystation.operator.service-monitor.labels.release=kube-prometheus-stack");

    private final Process process;
    private final Path log;
    private final int httpPort;
    private final int managementPort;

    private OperatorProcess(Process process, Path log, int httpPort, int managementPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
    }

    static OperatorProcess start(TestCluster cluster, Map<String, String> environment) throws IOException {
        return start(cluster, environment, "/q/health/ready");
    }

    private static OperatorProcess start(TestCluster cluster, Map<String, String> environment, String awaitedHealth)
            throws IOException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests through ./mvnw verify");
        }
        int httpPort = LoopbackPorts.free();
        int managementPort = LoopbackPorts.free();
        Path log = Files.createTempFile("waystation-operator", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        builder.environment().putAll(TEST_CONFIG);
        builder.environment().putAll(environment);
        OperatorProcess operator = new OperatorProcess(builder.start(), log, httpPort, managementPort);
        operator.awaitHealthy(awaitedHealth);
        return operator;
    }

    /**
     * A replica that may have to wait for the Lease ({@code standby}): started like {@link #start}, but
     * awaited only until it is alive, since a replica waiting for the Lease reconciles nothing.
     */
    static OperatorProcess start(TestCluster cluster, Map<String, String> environment, boolean standby)
            throws IOException {
        return start(cluster, environment, standby ? "/q/health/live" : "/q/health/ready");
    }

    /** Installs {@code kubernetes/crds} on a fresh {@code cluster} and starts the operator against it. */
    static OperatorProcess startWithCrds(TestCluster cluster) throws IOException {
        installCrds(cluster);
        return start(cluster, TEST_CONFIG);
    }

    /** Installs {@code kubernetes/crds} and waits until the API server serves them. */
    static void installCrds(TestCluster cluster) {
        cluster.kubectl("apply", "-f", GoHarness.repositoryRoot().resolve("kubernetes/crds").toString()).assertSuccess();
        cluster.kubectl("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s").assertSuccess();
    }

    String url(String path) {
        return "http://localhost:" + httpPort + path;
    }

    String managementUrl(String path) {
        return "http://localhost:" + managementPort + path;
    }

    /** The operator's Prometheus metrics text from its management port. */
    String metrics() {
        try {
            var request = HttpRequest.newBuilder(URI.create(managementUrl("/q/metrics")))
                    .header("Accept", "text/plain; version=0.0.4").build();
            return HttpClient.newHttpClient()
                    .send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("metrics unreadable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sum of every series of a metric (all label values). */
    double metricSum(String name) {
        return metrics().lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** The operator's API writes by kind ({@code statefulset}, {@code derpregion/status}, {@code derpmap}...), from its metrics. */
    Map<String, Double> apiWrites() {
        Map<String, Double> writes = new TreeMap<>();
        metrics().lines().filter(l -> l.startsWith("waystation_operator_api_writes_total{")).forEach(l -> {
            String kind = l.replaceAll(".*kind=\"([^\"]*)\".*", "$1");
            writes.put(kind, Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)));
        });
        return writes;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private void awaitHealthy(String healthPath) {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited with " + process.exitValue() + ":\n" + log());
            }
            if (status(managementUrl(healthPath)) == 200) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("the operator's " + healthPath + " was not UP within " + READY_TIMEOUT + ":\n" + log());
    }

    static int status(String url) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(5000);
            try {
                return connection.getResponseCode();
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }

    /** Ends the process at once (SIGKILL), as a crashed or evicted pod: no Lease released, nothing cleaned up. */
    void kill() {
        try {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

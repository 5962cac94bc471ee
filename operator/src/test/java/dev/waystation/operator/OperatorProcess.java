package dev.waystation.operator;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.waystation.testing.GoHarness;
import dev.waystation.testing.TestCluster;

/**
 * The packaged operator ({@code target/quarkus-app/quarkus-run.jar}) running as its own process
 * against a {@link TestCluster}, as it runs in a pod: so a test can stop and start it.
 */
final class OperatorProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

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
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests through ./mvnw verify");
        }
        int httpPort = freePort();
        int managementPort = freePort();
        Path log = Files.createTempFile("waystation-operator", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        builder.environment().putAll(environment);
        OperatorProcess operator = new OperatorProcess(builder.start(), log, httpPort, managementPort);
        operator.awaitReady();
        return operator;
    }

    /** Installs {@code kubernetes/crds} on a fresh {@code cluster} and starts the operator against it. */
    static OperatorProcess startWithCrds(TestCluster cluster) throws IOException {
        cluster.kubectl("apply", "-f", GoHarness.repositoryRoot().resolve("kubernetes/crds").toString()).assertSuccess();
        cluster.kubectl("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s").assertSuccess();
        return start(cluster, Map.of("WAYSTATION_OPERATOR_DERP_MAP_NAMESPACE", "default"));
    }

    String url(String path) {
        return "http://localhost:" + httpPort + path;
    }

    String managementUrl(String path) {
        return "http://localhost:" + managementPort + path;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited with " + process.exitValue() + ":\n" + log());
            }
            if (status(managementUrl("/q/health/ready")) == 200) {
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
        throw new IllegalStateException("the operator was not ready within " + READY_TIMEOUT + ":\n" + log());
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
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

package dev.waystation.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;


/**
 * The packaged relay ({@code relay/target/quarkus-app/quarkus-run.jar}) running as a separate
 * process for integration tests: DERP and STUN on ephemeral loopback ports, management on a free
 * port, started with
 * extra configuration and stopped (SIGTERM) on {@link #close()}. Output goes to
 * {@code relay/target/relay-process-*.log}.
 */
public final class RelayProcess implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern DERP_PORT = Pattern.compile("\"derp-port\"\\s*:\\s*(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HTTP_PORT = Pattern.compile("\"http-port\"\\s*:\\s*(-?\\d+)");

    private final Process process;
    private final Path log;
    private final int managementPort;
    private final int derpPort;
    private final HttpClient http = HttpClient.newHttpClient();

    private RelayProcess(Process process, Path log, int managementPort, boolean requireReady) {
        this.process = process;
        this.log = log;
        this.managementPort = managementPort;
        this.derpPort = awaitReady(requireReady);
    }

    /** Direct memory is bounded explicitly in every launcher (README "Security model"). */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:MaxDirectMemorySize=256m");

    /** Starts the relay in dev mode on ephemeral ports with {@code config} as extra system properties. */
    public static RelayProcess start(Map<String, String> config) {
        return start(config, DEFAULT_JVM_OPTIONS);
    }

    /** As {@link #start(Map)}, with these JVM options (heap and direct-memory limits) instead of the defaults. */
    public static RelayProcess start(Map<String, String> config, List<String> jvmOptions) {
        return start(config, jvmOptions, Map.of(), true);
    }

    /**
     * As {@link #start(Map)}, with {@code environment} added to the process' environment: a relay
     * configured like a pod (the operator's ConfigMap as environment variables); {@code config}
     * (system properties) takes precedence over it.
     */
    public static RelayProcess startWithEnvironment(Map<String, String> config, Map<String, String> environment) {
        return start(config, DEFAULT_JVM_OPTIONS, environment, true);
    }

    /**
     * As {@link #start(Map)}, returning once the DERP listener is bound even while the relay reports
     * not ready (for example TLS waiting for its first ACME certificate).
     */
    public static RelayProcess startListening(Map<String, String> config) {
        return start(config, DEFAULT_JVM_OPTIONS, Map.of(), false);
    }

    private static RelayProcess start(Map<String, String> config, List<String> jvmOptions,
            Map<String, String> environment, boolean requireReady) {
        Path jar = GoHarness.repositoryRoot().resolve("relay/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests through "
                    + "'./mvnw verify' (which packages the relay first)");
        }
        int management = freePort();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("waystation.relay.mode", "dev");
        properties.put("waystation.relay.port", "0");
        properties.put("quarkus.management.port", Integer.toString(management));
        // Never the fixed STUN port: suites and benchmarks run side by side.
        properties.put("waystation.stun.port", "0");
        properties.put("waystation.stun.bind-addresses", "127.0.0.1");
        properties.putAll(config);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        try {
            Path dir = GoHarness.repositoryRoot().resolve("relay/target");
            Files.createDirectories(dir);
            Path log = Files.createTempFile(dir, "relay-process-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            return new RelayProcess(process, log, management, requireReady);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the relay: " + command, e);
        }
    }

    public static RelayProcess start() {
        return start(Map.of());
    }

    /** {@code http://127.0.0.1:<port>/derp}. */
    public String derpUrl() {
        return "http://127.0.0.1:" + derpPort + "/derp";
    }

    public int derpPort() {
        return derpPort;
    }

    /** The bound port of production mode's plain-HTTP helper listener (-1 when there is none). */
    public int httpPort() {
        Matcher port = HTTP_PORT.matcher(get("/q/health/ready").body());
        return port.find() ? Integer.parseInt(port.group(1)) : -1;
    }

    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    /** The Prometheus text of {@code /q/metrics}. */
    public String metrics() {
        return get("/q/metrics").body();
    }

    /** The value of one sample line of {@code /q/metrics} ({@code name{labels}} exactly as printed), or 0. */
    public double metric(String sample) {
        for (String line : metrics().split("\n")) {
            // Text format 0.0.4 as Micrometer prints it ends label sets with ",}".
            line = line.replace(",}", "}");
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return 0;
    }

    public HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(managementUrl(path)))
                    .header("Accept", "text/plain; version=0.0.4").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until {@code key} has {@code expected} (as JSON text) in the resultant policy of {@code scope}
     * and every listener of that policy has handled the change: subsystems hear of it through typed views,
     * notified on the policy listener thread just after /debug/policy shows it.
     */
    public void awaitSetting(String scope, String key, String expectedJson) {
        Awaitility.await(key + " = " + expectedJson + " at " + scope + ", delivered to its listeners")
                .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    JsonNode policy = policy(scope);
                    return expectedJson.equals(setting(policy, key).path("value").toString())
                            && policy.path("delivered").asLong(-1) >= policy.path("generation").asLong();
                });
    }

    /** One setting's entry in {@code /debug/policy} at {@code scope}. */
    public JsonNode setting(String scope, String key) throws IOException {
        return setting(policy(scope), key);
    }

    private static JsonNode setting(JsonNode policy, String key) {
        for (JsonNode setting : policy.path("settings")) {
            if (key.equals(setting.path("key").asText())) {
                return setting;
            }
        }
        throw new IllegalStateException("no setting " + key + " in /debug/policy: " + policy);
    }

    /** The whole {@code /debug/policy} answer for {@code scope}. */
    public JsonNode policy(String scope) throws IOException {
        return JSON.readTree(get("/debug/policy?scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8)).body());
    }

    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public Process process() {
        return process;
    }

    private int awaitReady(boolean requireReady) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the relay exited with " + process.exitValue() + " during startup:\n"
                        + logText());
            }
            try {
                HttpResponse<String> ready = get("/q/health/ready");
                Matcher port = DERP_PORT.matcher(ready.body());
                if ((ready.statusCode() == 200 || !requireReady) && port.find()) {
                    return Integer.parseInt(port.group(1));
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("the relay did not become ready within " + STARTUP_TIMEOUT + ":\n" + logText());
    }

    /** Sends SIGTERM and waits for the process to exit; returns its exit code. */
    public int stop(Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(30));
        }
    }

    private static int freePort() {
        return LoopbackPorts.free();
    }
}

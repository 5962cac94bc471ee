package dev.waystation.relay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;


/**
 * A packaged relay whose policy comes from a file the test rewrites (atomically, as an editor or
 * Kubernetes would), with helpers to wait until a value is in force and to make node keys.
 */
public final class PolicyFileRelay implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration VIEW_SETTLE = Duration.ofMillis(500);

    public final RelayProcess relay;
    private final Path file;

    private PolicyFileRelay(RelayProcess relay, Path file) {
        this.relay = relay;
        this.file = file;
    }

    public static PolicyFileRelay start(String initialPolicyYaml, Map<String, String> extraConfig) throws IOException {
        Path dir = Files.createTempDirectory("waystation-policy");
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, initialPolicyYaml);
        Map<String, String> config = new HashMap<>(extraConfig);
        config.put("waystation.policy.file", file.toString());
        return new PolicyFileRelay(RelayProcess.start(config), file);
    }

    /** Replaces the policy file in one rename, so the relay never reads half a document. */
    public void writePolicy(String yaml) {
        try {
            Path next = file.resolveSibling("policy.yaml.next");
            Files.writeString(next, yaml);
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code key} has {@code expected} (as JSON text) in the resultant policy of {@code scope}. */
    public void awaitSetting(String scope, String key, String expectedJson) {
        Awaitility.await(key + " = " + expectedJson + " at " + scope).atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> expectedJson.equals(setting(scope, key).path("value").toString()));
        // Subsystems hear of a change through typed views, notified on the policy listener thread just
        // after the resultant policy (which /debug/policy reads) has it; give that hop a moment.
        try {
            Thread.sleep(VIEW_SETTLE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public JsonNode setting(String scope, String key) throws IOException {
        String body = relay.get("/debug/policy?scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8)).body();
        for (JsonNode setting : JSON.readTree(body).path("settings")) {
            if (key.equals(setting.path("key").asText())) {
                return setting;
            }
        }
        throw new IllegalStateException("no setting " + key + " in /debug/policy: " + body);
    }

    /** A fresh node key pair from Tailscale's own key package: [privkey:..., nodekey:...]. */
    public static List<String> newKeyPair() {
        GoCheck.Result keygen = GoCheck.run("keygen", 30);
        if (!keygen.ok()) {
            throw new IllegalStateException("keygen failed: " + keygen.output());
        }
        return keygen.output().lines().filter(l -> l.startsWith("privkey:") || l.startsWith("nodekey:")).toList();
    }

    /** Runs {@code derpclient try} once: true when admitted. */
    public boolean tryConnect(String privateKey) {
        GoCheck.Result result = GoCheck.run("derpclient", 60, "try", relay.derpUrl(), privateKey, "20");
        if (result.output().contains("ADMITTED")) {
            return true;
        }
        if (result.output().contains("REJECTED")) {
            return false;
        }
        throw new IllegalStateException("derpclient try said neither ADMITTED nor REJECTED:\n" + result.output());
    }

    @Override
    public void close() {
        relay.close();
    }
}

package dev.waystation.relay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.waystation.testing.GoCheck;
import dev.waystation.testing.RelayProcess;

/**
 * A packaged relay whose policy comes from a file the test rewrites (atomically, as an editor or
 * Kubernetes would), with helpers to wait until a value is in force and to make node keys.
 */
public final class PolicyFileRelay implements AutoCloseable {

    public final RelayProcess relay;
    private final Path file;

    private PolicyFileRelay(RelayProcess relay, Path file) {
        this.relay = relay;
        this.file = file;
    }

    public static PolicyFileRelay start(String initialPolicyYaml, Map<String, String> extraConfig) throws IOException {
        return start(initialPolicyYaml, extraConfig, RelayProcess.DEFAULT_JVM_OPTIONS);
    }

    /** As {@link #start(String, Map)}, with these JVM options (heap and direct-memory limits). */
    public static PolicyFileRelay start(String initialPolicyYaml, Map<String, String> extraConfig,
            List<String> jvmOptions) throws IOException {
        Path dir = Files.createTempDirectory("waystation-policy");
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, initialPolicyYaml);
        Map<String, String> config = new HashMap<>(extraConfig);
        config.put("waystation.policy.file", file.toString());
        return new PolicyFileRelay(RelayProcess.start(config, jvmOptions), file);
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

    /** The policy file itself, for tests that write it as a careless tool would (in place, in pieces). */
    public Path file() {
        return file;
    }

    /** Waits until {@code key} has {@code expectedJson} in force at {@code scope}; see {@link RelayProcess#awaitSetting}. */
    public void awaitSetting(String scope, String key, String expectedJson) {
        relay.awaitSetting(scope, key, expectedJson);
    }

    public JsonNode setting(String scope, String key) throws IOException {
        return relay.setting(scope, key);
    }

    /** The error of the first policy document at {@code scope} ("" when it has none): a file refused or broken. */
    public String documentError(String scope) throws IOException {
        JsonNode documents = relay.policy(scope).path("documents");
        return documents.isEmpty() ? "" : documents.get(0).path("error").asText("");
    }

    /** A fresh node key pair: [privkey:..., nodekey:...]. */
    public static List<String> newKeyPair() {
        return GoCheck.newNodeKeyPair();
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

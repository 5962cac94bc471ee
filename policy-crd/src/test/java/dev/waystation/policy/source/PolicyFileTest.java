package dev.waystation.policy.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.document.DocumentValidator;
import dev.waystation.policy.document.PolicyDocumentParser;
import dev.waystation.policy.rsop.DebounceDelays;
import dev.waystation.policy.rsop.PolicyEngine;
import dev.waystation.policy.rsop.ResultantPolicy;
import dev.waystation.policy.setting.PolicyScope;

/** The watched file: edits, Kubernetes' symlink swap, broken writes (last good kept), removed entries. */
class PolicyFileTest {

    @TempDir
    Path dir;

    PolicyEngine engine;
    PolicyFile file;

    @AfterEach
    void tearDown() throws Exception {
        if (file != null) {
            file.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    PolicyFile open(Path path) throws Exception {
        engine = new PolicyEngine(RelaySettings.registry(), new dev.waystation.policy.rsop.SystemPolicyClock(
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor()), Runnable::run,
                new DebounceDelays(Duration.ZERO, Duration.ZERO));
        DocumentSources sources = new DocumentSources(path.toString(), engine,
                new DocumentValidator(engine.registry()));
        file = new PolicyFile(path, sources, new PolicyDocumentParser(), Duration.ofSeconds(30));
        file.start();
        return file;
    }

    @Test
    void editsApplyAndBrokenWritesKeepTheLastGoodPolicy() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "mandatory: {Admission.AcceptBurst: 5}\n");
        open(policy);
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        assertThat(device.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(5L);

        Files.writeString(policy, "mandatory: {Admission.AcceptBurst: 6}\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> device.value(RelaySettings.ADMISSION_ACCEPT_BURST) == 6L);

        Files.writeString(policy, "mandatory: {Admission.AcceptBurst: [\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> file.status().error().orElse("").contains("not valid YAML"));
        assertThat(file.status().error().orElseThrow()).startsWith(policy + ": not valid YAML at line");
        assertThat(device.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(6L);
        await().atMost(Duration.ofSeconds(20)).until(() -> !device.healthy());
        assertThat(engine.sources()).singleElement().satisfies(s -> assertThat(s.problem().orElseThrow())
                .contains("keeping the last good policy"));

        Files.writeString(policy, "");
        await().atMost(Duration.ofSeconds(20)).until(() -> file.status().error().orElse("").contains("is empty"));
        assertThat(device.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(6L);

        Files.writeString(policy, "mandatory: {Admission.AcceptBurst: 7}\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> device.value(RelaySettings.ADMISSION_ACCEPT_BURST) == 7L);
        assertThat(file.status().error()).isEmpty();
        await().atMost(Duration.ofSeconds(20)).until(device::healthy);
    }

    @Test
    void followsTheKubernetesAtomicSymlinkSwap() throws Exception {
        // What the kubelet does for a mounted ConfigMap: data in a timestamped directory, "..data"
        // pointing at it, the file a symlink through "..data"; an update renames a new "..data" over.
        Path first = dir.resolve("..2026_11_28_00_00_00.1");
        Files.createDirectory(first);
        Files.writeString(first.resolve("policy.json"), "{\"sources\": [{\"name\": \"cm\", \"scope\": \"Profile(eu)\","
                + " \"mandatory\": {\"STUN.Enabled\": false}}]}");
        Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Files.createSymbolicLink(dir.resolve("policy.json"), Path.of("..data/policy.json"));
        open(dir.resolve("policy.json"));
        ResultantPolicy eu = engine.policyFor(PolicyScope.profile("eu"));
        assertThat(eu.value(RelaySettings.STUN_ENABLED)).isFalse();

        Path second = dir.resolve("..2026_11_28_00_01_00.2");
        Files.createDirectory(second);
        Files.writeString(second.resolve("policy.json"), "{\"sources\": [{\"name\": \"cm\", \"scope\": \"Profile(eu)\","
                + " \"mandatory\": {\"STUN.Enabled\": true, \"Admission.AcceptBurst\": 3}}]}");
        Path tmp = dir.resolve("..data_tmp");
        Files.createSymbolicLink(tmp, second.getFileName());
        Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(first.resolve("policy.json"));
        Files.delete(first);

        await().atMost(Duration.ofSeconds(20)).until(() -> eu.value(RelaySettings.ADMISSION_ACCEPT_BURST) == 3L);
        assertThat(eu.value(RelaySettings.STUN_ENABLED)).isTrue();
    }

    @Test
    void entriesComeAndGoAndPerKeyProblemsAreShown() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                sources:
                  - {name: a, scope: Device, mandatory: {Admission.AcceptBurst: 1, Nope: 1}}
                  - {name: b, scope: Device, mandatory: {Admission.AcceptRatePerSecond: 2}}
                """);
        open(policy);
        assertThat(file.status().sources()).containsExactly("a", "b");
        assertThat(file.status().problems()).singleElement().asString().endsWith("a: mandatory.\"Nope\": unknown policy setting \"Nope\"");
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        Files.writeString(policy, """
                sources:
                  - {name: b, scope: Device, mandatory: {Admission.AcceptRatePerSecond: 4}}
                  - {name: c, scope: Profile(eu), mandatory: {Admission.AcceptBurst: 9}}
                """);
        await().atMost(Duration.ofSeconds(20)).until(() -> device.value(RelaySettings.ADMISSION_ACCEPT_RATE_PER_SECOND) == 4L);
        assertThat(device.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isZero();
        assertThat(file.status().sources()).containsExactly("b", "c");
        assertThat(file.status().problems()).isEmpty();
        assertThat(engine.policyFor(PolicyScope.profile("eu")).value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(9L);
    }

    @Test
    void aMissingFileIsAnEmptyPolicyUntilItAppears() throws Exception {
        Path policy = dir.resolve("later.yaml");
        open(policy);
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        assertThat(device.snapshot().isEmpty()).isTrue();
        Files.writeString(policy, "mandatory: {STUN.Enabled: false}");
        await().atMost(Duration.ofSeconds(20)).until(() -> !device.value(RelaySettings.STUN_ENABLED));
        Files.delete(policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> file.status().error().isPresent());
        assertThat(device.value(RelaySettings.STUN_ENABLED)).isFalse();
    }
}

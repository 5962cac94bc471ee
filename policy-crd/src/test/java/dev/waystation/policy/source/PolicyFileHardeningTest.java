package dev.waystation.policy.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.document.DocumentValidator;
import dev.waystation.policy.document.PolicyDocumentParser;
import dev.waystation.policy.rsop.DebounceDelays;
import dev.waystation.policy.rsop.PolicyEngine;
import dev.waystation.policy.rsop.ResultantPolicy;
import dev.waystation.policy.rsop.SystemPolicyClock;
import dev.waystation.policy.setting.PolicyScope;

/**
 * The policy file under attack: content still changing is not applied, an oversized file is
 * refused without being read, and the watcher survives an out-of-memory error while reading.
 */
class PolicyFileHardeningTest {

    private static final String DENIED = "nodekey:" + "aa".repeat(32);
    private static final String GOOD = "mandatory: {Admission.DeniedClients: ['" + DENIED + "']}\n";
    private static final Duration AWAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final PolicyEngine engine = new PolicyEngine(RelaySettings.registry(),
            new SystemPolicyClock(Executors.newSingleThreadScheduledExecutor()), Runnable::run,
            new DebounceDelays(Duration.ZERO, Duration.ZERO));
    private final AtomicInteger parses = new AtomicInteger();
    private PolicyFile file;

    @AfterEach
    void tearDown() throws Exception {
        if (file != null) {
            file.close();
        }
        engine.close();
    }

    private ResultantPolicy open(Path path, Duration settle, long maxBytes) throws Exception {
        PolicyDocumentParser parser = new PolicyDocumentParser();
        PolicyFile.Parser counting = (name, text, format) -> {
            parses.incrementAndGet();
            if (text.contains("BOOM")) {
                throw new OutOfMemoryError("Java heap space (thrown by the test's parser)");
            }
            return parser.parse(name, text, format);
        };
        DocumentSources sources = new DocumentSources(path.toString(), engine, new DocumentValidator(engine.registry()));
        file = new PolicyFile(path, sources, counting, new PolicyFile.Limits(Duration.ofMillis(50), settle, maxBytes));
        file.start();
        return engine.policyFor(PolicyScope.DEVICE);
    }

    @Test
    void onlyContentTwoReadsAgreeOnIsApplied() throws Exception {
        Path path = dir.resolve("policy.yaml");
        Files.writeString(path, GOOD);
        DocumentSources sources = new DocumentSources(path.toString(), engine, new DocumentValidator(engine.registry()));
        PolicyDocumentParser parser = new PolicyDocumentParser();
        file = new PolicyFile(path, sources, (name, text, format) -> {
            parses.incrementAndGet();
            return parser.parse(name, text, format);
        }, new PolicyFile.Limits(Duration.ofSeconds(30), Duration.ZERO, 1 << 20));
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);

        assertThat(file.readOnce()).as("first sight of a content").isFalse();
        assertThat(file.readOnce()).as("the same content again").isTrue();
        assertThat(device.value(RelaySettings.ADMISSION_DENIED_CLIENTS)).containsExactly(DENIED);

        // A writer rewriting in place: truncated, then a first chunk, then the rest.
        Files.writeString(path, "");
        assertThat(file.readOnce()).isFalse();
        Files.writeString(path, "mandatory: {STUN.Enabled: true}\n");
        assertThat(file.readOnce()).isFalse();
        Files.writeString(path, "mandatory: {STUN.Enabled: true, Admission.DeniedClients: ['" + DENIED + "']}\n");
        assertThat(file.readOnce()).isFalse();
        assertThat(parses).as("no half-written version was parsed").hasValue(1);
        assertThat(device.value(RelaySettings.ADMISSION_DENIED_CLIENTS)).containsExactly(DENIED);

        assertThat(file.readOnce()).as("the finished content, read twice").isTrue();
        assertThat(parses).hasValue(2);
        assertThat(device.value(RelaySettings.ADMISSION_DENIED_CLIENTS)).containsExactly(DENIED);
        assertThat(device.value(RelaySettings.STUN_ENABLED)).isTrue();
    }

    @Test
    void anOversizedFileIsRefusedAndTheLastGoodPolicyStays() throws Exception {
        Path path = dir.resolve("policy.yaml");
        Files.writeString(path, GOOD);
        ResultantPolicy device = open(path, Duration.ofMillis(1), 1024);

        Files.writeString(path, GOOD + "# " + "x".repeat(4096) + "\n");
        await().atMost(AWAIT).until(() -> file.status().error().orElse("").contains("over the limit"));
        assertThat(file.status().error().orElseThrow())
                .isEqualTo(path + ": cannot read the policy file: the file is " + Files.size(path)
                        + " bytes, over the limit of 1024 bytes; it was not read");
        assertThat(device.value(RelaySettings.ADMISSION_DENIED_CLIENTS)).containsExactly(DENIED);

        Files.writeString(path, "mandatory: {Admission.DeniedClients: []}\n");
        await().atMost(AWAIT).until(() -> device.value(RelaySettings.ADMISSION_DENIED_CLIENTS).isEmpty());
        assertThat(file.status().error()).isEmpty();
    }

    @Test
    void theWatcherSurvivesAnOutOfMemoryErrorAndAppliesTheNextGoodFile() throws Exception {
        Path path = dir.resolve("policy.yaml");
        Files.writeString(path, GOOD);
        ResultantPolicy device = open(path, Duration.ofMillis(1), 1 << 20);

        Files.writeString(path, "# BOOM\n" + GOOD);
        await().atMost(AWAIT).until(() -> file.watcherErrors() >= 1);
        assertThat(file.status().error().orElseThrow()).contains("OutOfMemoryError");
        assertThat(device.value(RelaySettings.ADMISSION_DENIED_CLIENTS)).containsExactly(DENIED);
        assertThat(file.watching()).isTrue();
        assertThat(file.readOnce()).as("the content that failed is not parsed again").isFalse();
        assertThat(file.watcherErrors()).isEqualTo(1);

        Files.writeString(path, "mandatory: {Admission.DeniedClients: []}\n");
        await().atMost(AWAIT).until(() -> device.value(RelaySettings.ADMISSION_DENIED_CLIENTS).isEmpty());
        assertThat(file.status().error()).isEmpty();
        assertThat(file.watching()).isTrue();
    }

    @Test
    void aHalfWrittenDenyListElementKeepsTheLastGoodList() throws Exception {
        Path path = dir.resolve("policy.yaml");
        Files.writeString(path, GOOD);
        ResultantPolicy device = open(path, Duration.ofMillis(1), 1 << 20);

        // Cut in the middle of the key: still valid YAML, but the element is no node key.
        Files.writeString(path, GOOD.substring(0, GOOD.indexOf(DENIED) + 20) + "']}\n");
        await().atMost(AWAIT).until(() -> !device.healthy());
        assertThat(device.value(RelaySettings.ADMISSION_DENIED_CLIENTS)).containsExactly(DENIED);
        assertThat(List.of(file.status().problems().toString())).singleElement().asString()
                .contains("Admission.DeniedClients").contains("element [0]");
    }
}

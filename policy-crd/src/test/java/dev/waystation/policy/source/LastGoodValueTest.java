package dev.waystation.policy.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.rsop.DebounceDelays;
import dev.waystation.policy.rsop.PolicyEngine;
import dev.waystation.policy.rsop.ResultantPolicy;
import dev.waystation.policy.rsop.SystemPolicyClock;
import dev.waystation.policy.setting.PolicyScope;

/**
 * A value a setting rejects keeps that key's last good value from the same source, so a deny list
 * never empties because one element is wrong; the rejection names the key and the element.
 */
class LastGoodValueTest {

    private static final String A = "nodekey:" + "aa".repeat(32);
    private static final String B = "nodekey:" + "bb".repeat(32);

    private final PolicyEngine engine = new PolicyEngine(RelaySettings.registry(),
            new SystemPolicyClock(java.util.concurrent.Executors.newSingleThreadScheduledExecutor()), Runnable::run,
            new DebounceDelays(java.time.Duration.ZERO, java.time.Duration.ZERO));

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aBadElementKeepsTheLastGoodListAndSaysWhich() throws Exception {
        MemoryStore store = MemoryStore.ofMandatory(Map.of("Admission.DeniedClients", List.of(A)));
        engine.register("file", PolicyScope.DEVICE, store);
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        assertThat(device.value(RelaySettings.ADMISSION_DENIED_CLIENTS)).containsExactly(A);

        store.setMandatory("Admission.DeniedClients", List.of(A, "nodekey:TYPO"));
        device.reload();

        assertThat(device.value(RelaySettings.ADMISSION_DENIED_CLIENTS)).as("the last good deny list").containsExactly(A);
        assertThat(device.healthy()).isFalse();
        assertThat(engine.sources()).singleElement().satisfies(source -> assertThat(source.problem().orElseThrow())
                .contains("mandatory.\"Admission.DeniedClients\"").contains("element [1]")
                .contains("\"nodekey:TYPO\"").contains("keeping the last good value"));

        store.setMandatory("Admission.DeniedClients", List.of(A, B.toUpperCase().replace("NODEKEY:", "nodekey:")));
        device.reload();
        assertThat(device.value(RelaySettings.ADMISSION_DENIED_CLIENTS)).as("fixed, upper case normalised")
                .containsExactly(A, B);
        assertThat(device.healthy()).isTrue();
    }

    @Test
    void withoutALastGoodValueTheItemIsAnErrorNamingTheElement() throws Exception {
        MemoryStore store = MemoryStore.ofMandatory(Map.of("Admission.AllowedClients", List.of("nodekey:TYPO")));
        engine.register("file", PolicyScope.DEVICE, store);
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        assertThat(device.effective(RelaySettings.ADMISSION_ALLOWED_CLIENTS).error().message())
                .isEqualTo("element [0]: \"nodekey:TYPO\" is not a node key: want \"nodekey:\" and 64 hex digits");
    }
}

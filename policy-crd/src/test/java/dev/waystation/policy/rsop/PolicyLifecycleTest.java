package dev.waystation.policy.rsop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.Snapshot;
import dev.waystation.policy.source.MemoryStore;

/** Tailscale's lifecycle cases: no sources, removal, equal replacement, repeated close. */
class PolicyLifecycleTest {

    final EngineFixture fixture = new EngineFixture();
    final PolicyEngine engine = fixture.engine;

    @Test
    void withoutSourcesEveryScopeIsEmptyAndNothingIsScheduled() {
        for (PolicyScope scope : List.of(PolicyScope.DEVICE, PolicyScope.CURRENT_PROFILE, PolicyScope.CURRENT_USER)) {
            ResultantPolicy policy = engine.policyFor(scope);
            assertThat(policy.snapshot().isEmpty()).isTrue();
            assertThat(policy.reload().isEmpty()).isTrue();
            assertThat(policy.snapshot().scope()).isEqualTo(scope);
        }
        assertThat(fixture.clock.pendingTasks()).isZero();
    }

    @Test
    void unregisteringKeepsThePolicyAndDropsOnlyThatSourcesKeys() throws Exception {
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        SourceRegistration a = engine.register("a", PolicyScope.DEVICE,
                MemoryStore.ofMandatory(Map.of("Admission.AcceptBurst", 1L)));
        SourceRegistration b = engine.register("b", PolicyScope.DEVICE,
                MemoryStore.ofMandatory(Map.of("Admission.AcceptRatePerSecond", 2L)));
        a.unregister();
        assertThat(device.snapshot().keys()).extracting(k -> k.name()).containsExactly("Admission.AcceptRatePerSecond");
        b.unregister();
        assertThat(device.snapshot().isEmpty()).isTrue();
        assertThat(engine.policyFor(PolicyScope.DEVICE)).isSameAs(device);
    }

    @Test
    void replacingWithAnEqualStoreFiresNothingAndADifferentOneFiresOnce() throws Exception {
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        SourceRegistration handle = engine.register("a", PolicyScope.DEVICE,
                MemoryStore.ofMandatory(Map.of("Admission.AcceptBurst", 1L)));
        List<PolicyChange> changes = new CopyOnWriteArrayList<>();
        device.subscribe(changes::add);
        handle = handle.replace(MemoryStore.ofMandatory(Map.of("Admission.AcceptBurst", 1L)));
        assertThat(changes).isEmpty();
        handle.replace(MemoryStore.ofMandatory(Map.of("Admission.AcceptBurst", 2L)));
        assertThat(changes).singleElement().satisfies(c -> assertThat(c.hasValueChanged(
                RelaySettings.ADMISSION_ACCEPT_BURST.key())).isTrue());
        assertThat(device.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(2L);
    }

    /** Tailscale's TestClosePolicyMoreThanOnce: 10,000 concurrent closes with 0, 1 and 10 sources. */
    @ParameterizedTest(name = "{0} sources")
    @ValueSource(ints = {0, 1, 10})
    void closingTheEngineFromManyThreadsAtOnceIsSafeAndKeepsTheLastSnapshot(int count) throws Exception {
        List<MemoryStore> stores = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MemoryStore store = MemoryStore.ofMandatory(Map.of("Admission.AcceptBurst", i + 1L));
            engine.register("s" + i, PolicyScope.DEVICE, store);
            stores.add(store);
        }
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        Snapshot before = device.snapshot();
        // A debounced reload is pending when the closes start: closing must cancel it.
        stores.forEach(store -> store.setMandatory("Admission.AcceptBurst", 99L));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Together.run(pool, Collections.nCopies(10_000, engine::close));
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(fixture.clock.pendingTasks()).isZero();
        fixture.clock.advanceMillis(1000);
        assertThat(device.snapshot()).isSameAs(before);
        assertThat(device.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo((long) count);
        assertThat(device.generation()).isZero();
        assertThat(engine.sources()).isEmpty();
        assertThat(stores).allSatisfy(store -> assertThat(store.subscribers()).isZero());
    }

    @Test
    void forgottenScopesAreRebuiltFresh() throws Exception {
        ResultantPolicy client = engine.policyFor(PolicyScope.user("nodekey:01"));
        engine.forget(PolicyScope.user("nodekey:01"));
        assertThat(engine.policyFor(PolicyScope.user("nodekey:01"))).isNotSameAs(client);
    }
}

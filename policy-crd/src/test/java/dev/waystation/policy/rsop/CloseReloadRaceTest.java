package dev.waystation.policy.rsop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.Origin;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.SettingKey;
import dev.waystation.policy.setting.Snapshot;
import dev.waystation.policy.setting.SourceSnapshot;
import dev.waystation.policy.source.MemoryStore;
import dev.waystation.policy.source.SourceReader;

/**
 * Tailscale's TestReaderCloseReloadRace, plus closing engines and stores: a reader, an engine or a store closed while other
 * threads reload. Every round runs 4 threads of 10 reloads against one close, released together:
 * no exception escapes (a task's failure fails the join) and nothing deadlocks (the joins are bounded).
 */
class CloseReloadRaceTest {

    static final int ROUNDS = 100;
    static final int THREADS = 4;
    static final int RELOADS = 10;
    static final String BURST = "Admission.AcceptBurst";
    static final SourceReader.Events NO_EVENTS = new SourceReader.Events() {
        @Override
        public void changed() {
        }

        @Override
        public void expired() {
        }
    };

    final ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void aReaderClosedWhileReadingStopsTouchingTheStoreAndKeepsItsSnapshot() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            MemoryStore store = MemoryStore.ofMandatory(Map.of(BURST, 1L));
            SourceReader reader = new SourceReader(store, new Origin("s", PolicyScope.DEVICE), RelaySettings.all(),
                    NO_EVENTS);
            SourceSnapshot first = reader.snapshot();
            race(reader::read, reader::close);
            int reads = store.reads(BURST);
            store.setMandatory(BURST, 2L);
            assertThat(reader.read()).isSameAs(first);
            assertThat(reader.snapshot()).isSameAs(first);
            assertThat(store.reads(BURST)).isEqualTo(reads);
            assertThat(store.subscribers()).isZero();
        }
    }

    @Test
    void anEngineClosedWhileItsPolicyReloadsKeepsTheLastSnapshot() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            MemoryStore store = MemoryStore.ofMandatory(Map.of(BURST, 1L));
            PolicyEngine engine = engineWith(Map.of("s", store));
            ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
            Snapshot before = device.snapshot();
            race(device::reload, engine::close);
            assertThat(device.reload()).as("round %d", round).isSameAs(before);
            assertThat(device.snapshot()).isSameAs(before);
            assertThat(device.generation()).isZero();
            assertThat(store.subscribers()).isZero();
        }
    }

    @Test
    void aStoreExpiringWhilePoliciesReloadLeavesExactlyTheOtherSources() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            MemoryStore expiring = MemoryStore.ofMandatory(Map.of(BURST, 1L));
            PolicyEngine engine = engineWith(Map.of("expiring", expiring,
                    "staying", MemoryStore.ofMandatory(Map.of("Admission.AcceptRatePerSecond", 2L))));
            ResultantPolicy region = engine.policyFor(PolicyScope.profile("eu"));
            race(region::reload, expiring::close);
            assertThat(engine.sources()).extracting(SourceStatus::name).containsExactly("staying");
            assertThat(region.snapshot().keys()).as("round %d", round)
                    .containsExactly(SettingKey.of("Admission.AcceptRatePerSecond"));
            assertThat(region.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isZero();
            assertThat(region.healthy()).isTrue();
            assertThat(expiring.subscribers()).isZero();
        }
    }

    /** {@link #THREADS} threads of {@link #RELOADS} reloads and one close, all released at once. */
    void race(Runnable reload, Runnable close) throws Exception {
        List<Runnable> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            tasks.add(() -> {
                for (int i = 0; i < RELOADS; i++) {
                    reload.run();
                }
            });
        }
        tasks.add(close);
        Together.run(pool, tasks);
    }

    /** An engine with the given stores registered at Device scope, in order. */
    static PolicyEngine engineWith(Map<String, MemoryStore> stores) throws Exception {
        PolicyEngine engine = new EngineFixture().engine;
        for (Map.Entry<String, MemoryStore> entry : stores.entrySet()) {
            engine.register(entry.getKey(), PolicyScope.DEVICE, entry.getValue());
        }
        return engine;
    }
}

package dev.waystation.policy.rsop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.source.MemoryStore;

/** The explanation's {@code delivered} trails {@code generation} until every listener has handled the change. */
class DeliveredGenerationTest {

    private static final String RATE = "Admission.AcceptRatePerSecond";

    /** Listener tasks wait here until the test runs them. */
    private final Queue<Runnable> pending = new ArrayDeque<>();
    private final PolicyEngine engine = new PolicyEngine(RelaySettings.registry(), new FakeClock(), pending::add,
            EngineFixture.DELAYS);

    @Test
    void deliveredCatchesUpWhenTheListenersHaveRun() throws Exception {
        MemoryStore store = MemoryStore.ofMandatory(Map.of(RATE, 1L));
        engine.register("s", PolicyScope.DEVICE, store);
        ResultantPolicy policy = engine.policyFor(PolicyScope.profile("eu"));
        List<Long> heard = new CopyOnWriteArrayList<>();
        policy.subscribe(change -> heard.add(change.generation()));
        assertThat(policy.explain().delivered()).as("nothing to deliver yet").isEqualTo(policy.explain().generation());

        store.setMandatory(RATE, 2L);
        policy.reload();
        PolicyExplanation changed = policy.explain();
        assertThat(changed.generation()).isEqualTo(1);
        assertThat(changed.delivered()).as("the listener has not run").isZero();

        pending.forEach(Runnable::run);
        assertThat(heard).containsExactly(1L);
        assertThat(policy.explain().delivered()).isEqualTo(1);
    }

    @Test
    void withoutListenersEveryGenerationIsDelivered() throws Exception {
        MemoryStore store = MemoryStore.ofMandatory(Map.of(RATE, 1L));
        engine.register("s", PolicyScope.DEVICE, store);
        ResultantPolicy policy = engine.policyFor(PolicyScope.profile("eu"));
        store.setMandatory(RATE, 2L);
        policy.reload();
        assertThat(policy.explain().delivered()).isEqualTo(policy.explain().generation()).isEqualTo(1);
    }
}

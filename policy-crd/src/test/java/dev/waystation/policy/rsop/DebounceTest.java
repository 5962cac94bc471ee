package dev.waystation.policy.rsop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.source.MemoryStore;

/**
 * The debounce timeline Tailscale documents (quiet 200 ms, max 1 s; its code swaps the two) on a fake clock.
 * Times are milliseconds on the fake clock; nothing sleeps.
 */
class DebounceTest {

    EngineFixture fixture;
    MemoryStore store;
    ResultantPolicy policy;
    List<Long> eventsAt;
    long value;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new EngineFixture();
        store = MemoryStore.ofMandatory(Map.of("Admission.AcceptBurst", 0L));
        fixture.engine.register("mem", PolicyScope.DEVICE, store);
        policy = fixture.engine.policyFor(PolicyScope.DEVICE);
        eventsAt = new CopyOnWriteArrayList<>();
        policy.subscribe(change -> eventsAt.add(fixture.clock.millis()));
        fixture.reloadsAt.clear();
    }

    void changeAt(long atMillis) {
        fixture.clock.advanceMillis(atMillis - fixture.clock.millis());
        store.setMandatory("Admission.AcceptBurst", ++value);
    }

    @Test
    void oneChangeReloadsAfterTheQuietPeriodNotBefore() {
        changeAt(0);
        fixture.clock.advanceMillis(199);
        assertThat(fixture.reloadsAt).isEmpty();
        assertThat(policy.reloadPending()).isTrue();
        fixture.clock.advanceMillis(1);
        assertThat(fixture.reloadsAt).containsExactly(200L);
        assertThat(eventsAt).containsExactly(200L);
        assertThat(policy.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(1L);
    }

    @Test
    void changesWithinTheQuietPeriodBatchIntoOneReloadAfterTheLast() {
        changeAt(0);
        changeAt(100);
        changeAt(200);
        changeAt(300);
        fixture.clock.advanceMillis(1000);
        assertThat(fixture.reloadsAt).containsExactly(500L);
        assertThat(eventsAt).hasSize(1);
        assertThat(policy.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(4L);
    }

    @Test
    void aChangeAfterTheQuietWindowMovesTheReload() {
        changeAt(0);
        changeAt(190);
        changeAt(210);
        fixture.clock.advanceMillis(1000);
        assertThat(fixture.reloadsAt).containsExactly(410L);
    }

    @Test
    void aSteadyStreamIsCappedAtTheMaximumAfterTheFirstChange() {
        for (long t = 0; t <= 2500; t += 100) {
            changeAt(t);
        }
        fixture.clock.advanceMillis(1000);
        assertThat(fixture.reloadsAt).containsExactly(1000L, 2000L, 2700L);
        assertThat(policy.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(value);
    }

    @Test
    void aSynchronousReloadAbsorbsAPendingAsynchronousOne() {
        changeAt(0);
        fixture.clock.advanceMillis(50);
        policy.reload();
        assertThat(policy.reloadPending()).isFalse();
        fixture.clock.advanceMillis(2000);
        assertThat(fixture.reloadsAt).containsExactly(50L);
        assertThat(eventsAt).containsExactly(50L);
    }

    @Test
    void aNotificationWithoutChangeReloadsButFiresNoEvent() {
        store.notifyChanged();
        fixture.clock.advanceMillis(1000);
        assertThat(fixture.reloadsAt).containsExactly(200L);
        assertThat(eventsAt).isEmpty();
        assertThat(policy.generation()).isZero();
    }
}

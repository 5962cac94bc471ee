package dev.waystation.policy.rsop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.PolicyScope;

/**
 * A change during the first read is not lost: the reader subscribes before its first read and marks itself up to date before
 * reading, so a change notification that arrives while a read is in flight is never lost. The
 * store's read blocks on a latch; the value changes (and the store notifies) mid-read; the read
 * then returns the old value.
 */
class ChangeDuringReadTest {

    final EngineFixture fixture = new EngineFixture();
    final PolicyEngine engine = fixture.engine;
    final BlockingStore store = new BlockingStore("Admission.AcceptBurst", 1L);
    final ExecutorService background = Executors.newSingleThreadExecutor();

    @AfterEach
    void tearDown() {
        background.shutdownNow();
    }

    @Test
    void aChangeDuringTheFirstReadOfARegistrationIsNotLost() throws Exception {
        changedMidRead(() -> engine.register("s", PolicyScope.DEVICE, store));
        assertThat(engine.policyFor(PolicyScope.DEVICE).value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(2L);
    }

    @Test
    void aLivePolicyGetsTheValueChangedDuringTheFirstReadInOneEvent() throws Exception {
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        List<PolicyChange> changes = new CopyOnWriteArrayList<>();
        device.subscribe(changes::add);
        changedMidRead(() -> engine.register("s", PolicyScope.DEVICE, store));
        fixture.clock.advanceMillis(1000);
        assertThat(device.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(2L);
        assertThat(changes).singleElement().satisfies(change -> assertThat(change.newSnapshot()
                .get(RelaySettings.ADMISSION_ACCEPT_BURST.key()).value()).isEqualTo(2L));
    }

    @Test
    void aChangeDuringADebouncedReloadIsReadByTheNextOne() throws Exception {
        engine.register("s", PolicyScope.DEVICE, store);
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        store.change(1L);
        changedMidRead(() -> {
            fixture.clock.advanceMillis(200);
            return null;
        });
        assertThat(device.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(1L);
        assertThat(device.reloadPending()).isTrue();
        fixture.clock.advanceMillis(200);
        assertThat(device.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(2L);
        assertThat(device.generation()).isEqualTo(1);
    }

    /** Runs {@code action} on another thread; while its read of the key is blocked, the value becomes 2. */
    <T> T changedMidRead(Callable<T> action) throws Exception {
        store.arm();
        Future<T> result = background.submit(action);
        assertThat(store.reading.await(30, TimeUnit.SECONDS)).as("the read started").isTrue();
        store.change(2L);
        store.release.countDown();
        return result.get(30, TimeUnit.SECONDS);
    }
}

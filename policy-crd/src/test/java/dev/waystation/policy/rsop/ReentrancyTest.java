package dev.waystation.policy.rsop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.source.MemoryStore;

/** Listeners run off the reload thread: a listener may call reload, policyFor and register without deadlock. */
class ReentrancyTest {

    final ExecutorService listeners = Executors.newFixedThreadPool(2);
    final FakeClock clock = new FakeClock();
    final PolicyEngine engine = new PolicyEngine(RelaySettings.registry(), clock, listeners, EngineFixture.DELAYS);

    @AfterEach
    void tearDown() {
        engine.close();
        listeners.shutdownNow();
    }

    @Test
    void aListenerCallingBackIntoTheEngineDoesNotDeadlock() throws Exception {
        MemoryStore store = MemoryStore.ofMandatory(java.util.Map.of("Admission.AcceptBurst", 1L));
        engine.register("s", PolicyScope.DEVICE, store);
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        AtomicReference<String> done = new AtomicReference<>();
        Thread reloadThread = Thread.currentThread();
        device.subscribe(change -> {
            if (change.generation() != 1) {
                return;
            }
            try {
                assertThat(Thread.currentThread()).isNotSameAs(reloadThread);
                device.reload();
                engine.policyFor(PolicyScope.profile("new-region")).snapshot();
                engine.register("from-listener", PolicyScope.DEVICE,
                        MemoryStore.ofMandatory(java.util.Map.of("Admission.AcceptRatePerSecond", 9L)));
                done.set("ok");
            } catch (Exception | AssertionError e) {
                done.set(e.toString());
            }
        });
        store.setMandatory("Admission.AcceptBurst", 2L);
        clock.advanceMillis(200);
        await().atMost(Duration.ofSeconds(30)).untilAtomic(done, org.hamcrest.Matchers.notNullValue());
        assertThat(done.get()).isEqualTo("ok");
        assertThat(device.value(RelaySettings.ADMISSION_ACCEPT_RATE_PER_SECOND)).isEqualTo(9L);
        assertThat(device.generation()).isEqualTo(2);
    }
}

package dev.waystation.operator.derpmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests arriving while a run is in flight are not lost; requests arriving together are one run. */
class CoalescingTriggerTest {

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aRequestDuringARunCausesAnotherRun() throws Exception {
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        CoalescingTrigger trigger = new CoalescingTrigger(executor, 1, () -> {
            if (runs.incrementAndGet() == 1) {
                inFlight.countDown();
                await().atMost(Duration.ofSeconds(10)).until(() -> release.getCount() == 0);
            }
        });

        trigger.request();
        assertThat(inFlight.await(10, TimeUnit.SECONDS)).isTrue();
        trigger.request(); // the running publish may already have read the regions
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
    }

    @Test
    void requestsArrivingTogetherAreOneRun() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch blocker = new CountDownLatch(1);
        executor.execute(() -> await().atMost(Duration.ofSeconds(10)).until(() -> blocker.getCount() == 0));
        CoalescingTrigger trigger = new CoalescingTrigger(executor, 1, runs::incrementAndGet);
        for (int i = 0; i < 100; i++) {
            trigger.request();
        }
        blocker.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
        CountDownLatch drained = new CountDownLatch(1);
        executor.schedule(drained::countDown, 50, TimeUnit.MILLISECONDS);
        assertThat(drained.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(runs.get()).isEqualTo(1);
    }
}

package dev.waystation.policy.rsop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.source.MemoryStore;

/**
 * Sources registered, replaced, unregistered and changed from several threads while readers read:
 * no deadlock (every thread finishes), no lost update (after the last debounced reload every live
 * policy equals a fresh merge of the surviving stores).
 */
class ConcurrencyStressTest {

    static final int WRITERS = 4;
    static final int OPERATIONS = 400;
    static final PolicyScope[] SCOPES = {PolicyScope.DEVICE, PolicyScope.profile("eu"), PolicyScope.profile("us"),
        PolicyScope.user("nodekey:01"), PolicyScope.parse("Profile(eu)/User(nodekey:01)")};
    static final String[] KEYS = {"Admission.AcceptBurst", "Admission.AcceptRatePerSecond", "Client.RateBurstBytes"};

    record Live(PolicyScope scope, int priority, MemoryStore store, SourceRegistration registration) {
    }

    @Test
    void concurrentRegistrationChangesAndReadsEndInTheFreshMerge() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        ExecutorService listeners = Executors.newFixedThreadPool(2);
        ExecutorService workers = Executors.newFixedThreadPool(WRITERS + 2);
        PolicyEngine engine = new PolicyEngine(RelaySettings.registry(), new SystemPolicyClock(timer), listeners,
                new DebounceDelays(Duration.ofMillis(1), Duration.ofMillis(5)));
        Map<String, Live> live = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (PolicyScope scope : SCOPES) {
                engine.policyFor(scope).subscribe(change -> engine.policyFor(scope).value(RelaySettings.CLIENT_ALLOWED));
            }
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                String name = "writer-" + w;
                long seed = w;
                futures.add(workers.submit(() -> {
                    start.await();
                    write(engine, name, new SplittableRandom(seed), live);
                    return null;
                }));
            }
            for (int r = 0; r < 2; r++) {
                futures.add(workers.submit(() -> {
                    start.await();
                    long sum = 0;
                    while (writing.get()) {
                        for (PolicyScope scope : SCOPES) {
                            sum += engine.policyFor(scope).value(RelaySettings.ADMISSION_ACCEPT_BURST);
                            engine.policyFor(scope).explain();
                        }
                    }
                    return sum;
                }));
            }
            start.countDown();
            for (int w = 0; w < WRITERS; w++) {
                futures.get(w).get(120, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> engine.policies().stream().noneMatch(
                    ResultantPolicy::reloadPending));

            PolicyEngine fresh = new PolicyEngine(RelaySettings.registry(), new FakeClock(), Runnable::run,
                    EngineFixture.DELAYS);
            for (SourceStatus source : engine.sources()) {
                Live entry = live.get(source.name());
                fresh.register(source.name(), entry.scope(), entry.priority(), entry.store());
            }
            assertThat(engine.sources()).hasSize(live.size());
            for (PolicyScope scope : SCOPES) {
                assertThat(engine.policyFor(scope).snapshot()).as(scope.toString())
                        .isEqualTo(fresh.policyFor(scope).snapshot());
            }
            fresh.close();
        } finally {
            writing.set(false);
            engine.close();
            workers.shutdownNow();
            listeners.shutdownNow();
            timer.shutdownNow();
        }
    }

    static void write(PolicyEngine engine, String name, SplittableRandom random, Map<String, Live> live)
            throws Exception {
        for (int i = 0; i < OPERATIONS; i++) {
            Live current = live.get(name);
            int op = random.nextInt(4);
            if (current == null) {
                PolicyScope scope = SCOPES[random.nextInt(SCOPES.length - 1)];
                int priority = random.nextInt(3);
                MemoryStore store = randomStore(random);
                live.put(name, new Live(scope, priority, store, engine.register(name, scope, priority, store)));
            } else if (op == 0) {
                current.registration().unregister();
                live.remove(name);
            } else if (op == 1) {
                MemoryStore store = randomStore(random);
                live.put(name, new Live(current.scope(), current.priority(), store,
                        current.registration().replace(store)));
            } else {
                current.store().setMandatory(KEYS[random.nextInt(KEYS.length)], (long) random.nextInt(1000));
            }
        }
    }

    static MemoryStore randomStore(SplittableRandom random) {
        MemoryStore store = new MemoryStore();
        for (String key : KEYS) {
            if (random.nextBoolean()) {
                store.setMandatory(key, (long) random.nextInt(1000));
            }
        }
        return store;
    }
}

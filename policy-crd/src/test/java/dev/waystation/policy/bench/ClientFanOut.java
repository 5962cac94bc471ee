package dev.waystation.policy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.rsop.DebounceDelays;
import dev.waystation.policy.rsop.MemberPolicies;
import dev.waystation.policy.rsop.PolicyEngine;
import dev.waystation.policy.rsop.SystemPolicyClock;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.ScopeKind;
import dev.waystation.policy.source.MemoryStore;
import dev.waystation.policy.source.Subscription;

/**
 * A relay's clients, simulated in-process: N connected clients bound to their policies exactly as
 * the relay binds its connections ({@link MemberPolicies}, the relay's debounce and listener
 * thread), 1 % of them named by a User-scope source. Measures how long a Device-scope change takes
 * to reach every client, from the store's change to the last client's listener, debounce included,
 * and the process CPU time it took (the machine may be shared: wall time then overstates).
 * In-process because the question is the policy fan-out, not sockets: 100,000 real DERP connections
 * do not fit the benchmark machine next to the load generator. Not a test: run by
 * {@code src/bench/policy-fanout.sh}.
 *
 * <p>Arguments: client counts (default 10000 50000 100000). Prints one JSON line per count.
 */
public final class ClientFanOut {

    static final String REGION = "bench";
    static final int ROUNDS = 5;

    public static void main(String[] args) throws Exception {
        List<Integer> counts = new ArrayList<>();
        for (String arg : args) {
            counts.add(Integer.parseInt(arg));
        }
        if (counts.isEmpty()) {
            counts = List.of(10_000, 50_000, 100_000);
        }
        for (int clients : counts) {
            run(clients);
        }
    }

    /** One simulated connection: remembers the limit it was last told. */
    static final class Client {
        volatile long limit = -1;
        volatile CountDownLatch waiting;
        volatile long expected;

        void apply(long newLimit) {
            limit = newLimit;
            CountDownLatch latch = waiting;
            if (latch != null && newLimit == expected) {
                latch.countDown();
            }
        }
    }

    static void run(int clients) throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        ExecutorService listeners = Executors.newSingleThreadExecutor();
        PolicyEngine engine = new PolicyEngine(RelaySettings.registry(), new SystemPolicyClock(timer), listeners,
                DebounceDelays.RELAY_DEFAULTS);
        MemoryStore fleet = MemoryStore.ofMandatory(Map.of("Client.RateLimitBytesPerSecond", 1L));
        engine.register("fleet", PolicyScope.DEVICE, fleet);
        engine.register("region", PolicyScope.profile(REGION), MemoryStore.ofMandatory(Map.of("STUN.Enabled", true)));
        int named = Integer.getInteger("named.percent", 1) * clients / 100;
        for (int i = 0; i < named; i++) {
            engine.register("user-" + i, PolicyScope.user(key(i)),
                    MemoryStore.ofMandatory(Map.of("Client.RateBurstBytes", 100_000L)));
        }
        MemberPolicies<Long> members = new MemberPolicies<>(engine, PolicyScope.profile(REGION),
                key -> new PolicyScope(ScopeKind.USER, REGION, key),
                snapshot -> snapshot.value(RelaySettings.CLIENT_RATE_LIMIT_BYTES_PER_SECOND));
        List<Client> all = new ArrayList<>(clients);
        List<Subscription> bindings = new ArrayList<>(clients);
        long bindStart = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            Client client = new Client();
            all.add(client);
            bindings.add(members.bind(key(i), client::apply));
        }
        long bindNanos = System.nanoTime() - bindStart;
        List<Double> millis = new ArrayList<>();
        List<Double> cpuMillis = new ArrayList<>();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (int round = 1; round <= ROUNDS; round++) {
            long next = round + 1;
            CountDownLatch latch = new CountDownLatch(clients);
            for (Client client : all) {
                client.expected = next;
                client.waiting = latch;
            }
            long start = System.nanoTime();
            long cpuStart = os.getProcessCpuTime();
            fleet.setMandatory("Client.RateLimitBytesPerSecond", next);
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(latch.getCount() + " of " + clients + " clients never saw the change");
            }
            millis.add((System.nanoTime() - start) / 1e6);
            cpuMillis.add((os.getProcessCpuTime() - cpuStart) / 1e6);
        }
        int own = members.ownPolicies();
        bindings.forEach(Subscription::close);
        int left = members.boundMembers();
        members.close();
        engine.close();
        timer.shutdownNow();
        listeners.shutdownNow();
        List<Double> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        System.out.printf(java.util.Locale.ROOT,
                "{\"clients\":%d,\"named\":%d,\"ownPolicies\":%d,\"bindSeconds\":%.2f,\"changeToAllMillis\":%s,"
                        + "\"medianMillis\":%.1f,\"processCpuMillis\":%s,\"debounceQuietMillis\":%d,\"boundAfterClose\":%d}%n",
                clients, named, own, bindNanos / 1e9, millis, sorted.get(sorted.size() / 2), cpuMillis,
                DebounceDelays.RELAY_DEFAULTS.quiet().toMillis(), left);
    }

    static String key(int i) {
        return String.format("nodekey:%064x", i);
    }

    private ClientFanOut() {
    }

}

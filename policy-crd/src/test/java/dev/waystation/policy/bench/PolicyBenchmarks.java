package dev.waystation.policy.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.rsop.DebounceDelays;
import dev.waystation.policy.rsop.MemberPolicies;
import dev.waystation.policy.rsop.PolicyClock;
import dev.waystation.policy.rsop.PolicyEngine;
import dev.waystation.policy.rsop.ResultantPolicy;
import dev.waystation.policy.setting.PolicyMerge;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.ScopeKind;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingRegistry;
import dev.waystation.policy.setting.SettingType;
import dev.waystation.policy.setting.SourceSnapshot;
import dev.waystation.policy.source.MemoryStore;
import dev.waystation.policy.source.SourceReader;

/**
 * The policy engine's hot and cold paths. Not a test: run with the command in BENCHMARKS.md.
 */
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PolicyBenchmarks {

    static final int SETTINGS = 1000;
    static final int SOURCES = 50;
    static final PolicyScope TARGET = PolicyScope.parse("Profile(eu)/User(nodekey:01)");
    static final PolicyScope[] SCOPES = {PolicyScope.DEVICE, PolicyScope.profile("eu"), PolicyScope.user("nodekey:01")};

    /** A clock that never fires: the benchmarks reload explicitly. */
    static final PolicyClock IDLE = new PolicyClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            return () -> { };
        }
    };

    /** The relay's region policy with a few sources. */
    @State(Scope.Benchmark)
    public static class RelayState {
        ResultantPolicy policy;

        @Setup
        public void setUp() throws Exception {
            PolicyEngine engine = new PolicyEngine(RelaySettings.registry(), IDLE, Runnable::run,
                    DebounceDelays.RELAY_DEFAULTS);
            MemoryStore fleet = new MemoryStore();
            fleet.setMandatory("STUN.Enabled", false);
            fleet.setRecommended("Admission.AcceptBurst", 10L);
            engine.register("fleet", PolicyScope.DEVICE, fleet);
            engine.register("region", PolicyScope.profile("eu"),
                    MemoryStore.ofMandatory(java.util.Map.of("Admission.AcceptRatePerSecond", 5L)));
            policy = engine.policyFor(PolicyScope.profile("eu"));
        }
    }

    /** 1000 settings from 50 sources across the three scope kinds, both levels. */
    @State(Scope.Benchmark)
    public static class LargeState {
        List<SourceSnapshot> snapshots;
        ResultantPolicy policy;

        @Setup
        public void setUp() throws Exception {
            List<SettingDefinition<?>> definitions = new ArrayList<>();
            for (int i = 0; i < SETTINGS; i++) {
                definitions.add(SettingDefinition.of("Bench.Setting" + i, ScopeKind.USER, SettingType.UNSIGNED_INTEGER,
                        0L, ""));
            }
            SettingRegistry registry = SettingRegistry.of(definitions);
            PolicyEngine engine = new PolicyEngine(registry, IDLE, Runnable::run, DebounceDelays.RELAY_DEFAULTS);
            SplittableRandom random = new SplittableRandom(42);
            snapshots = new ArrayList<>();
            for (int s = 0; s < SOURCES; s++) {
                MemoryStore store = new MemoryStore();
                java.util.Map<String, Long> mandatory = new java.util.HashMap<>();
                java.util.Map<String, Long> recommended = new java.util.HashMap<>();
                for (int i = 0; i < SETTINGS; i++) {
                    int roll = random.nextInt(10);
                    if (roll == 0) {
                        mandatory.put("Bench.Setting" + i, (long) s);
                    } else if (roll == 1) {
                        recommended.put("Bench.Setting" + i, (long) s);
                    }
                }
                store.replace(mandatory, recommended);
                PolicyScope scope = SCOPES[s % SCOPES.length];
                engine.register("source-" + s, scope, store);
                snapshots.add(new SourceReader(store, new dev.waystation.policy.setting.Origin("source-" + s, scope),
                        registry.definitions(), null).snapshot());
            }
            policy = engine.policyFor(TARGET);
        }
    }

    /**
     * A relay with N connected clients, none named by a User-scope source: they share the region's
     * resultant policy ({@link MemberPolicies}). Listeners run on the reloading thread so one
     * invocation is the whole fan-out.
     */
    @State(Scope.Benchmark)
    public static class FanOutState {
        @Param({"10000", "50000", "100000"})
        public int clients;
        MemoryStore fleet;
        ResultantPolicy region;
        MemberPolicies<Long> members;
        long[] applied;
        long next;

        @Setup
        public void setUp() throws Exception {
            PolicyEngine engine = new PolicyEngine(RelaySettings.registry(), IDLE, Runnable::run,
                    DebounceDelays.RELAY_DEFAULTS);
            fleet = MemoryStore.ofMandatory(java.util.Map.of("Client.RateLimitBytesPerSecond", 1L));
            engine.register("fleet", PolicyScope.DEVICE, fleet);
            PolicyScope base = PolicyScope.profile("eu");
            region = engine.policyFor(base);
            members = new MemberPolicies<>(engine, base, key -> new PolicyScope(ScopeKind.USER, "eu", key),
                    snapshot -> snapshot.value(RelaySettings.CLIENT_RATE_LIMIT_BYTES_PER_SECOND));
            applied = new long[clients];
            for (int i = 0; i < clients; i++) {
                int slot = i;
                members.bind(String.format("nodekey:%064x", i), limit -> applied[slot] = limit);
            }
            next = 1;
        }
    }

    /**
     * A Device-scope change reaching every connected client: re-read and re-merge the region's
     * policy once, then hand the new record to each client (the relay's debounce wait excluded).
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long deviceChangeToAllClients(FanOutState state) {
        long value = ++state.next;
        state.fleet.setMandatory("Client.RateLimitBytesPerSecond", value);
        state.region.reload();
        long last = state.applied[state.clients - 1];
        if (last != value) {
            throw new IllegalStateException("the last client has " + last + ", not " + value);
        }
        return last;
    }

    /** The hot path: one effective value from the current immutable snapshot, no lock. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean readEffectiveValue(RelayState state) {
        return state.policy.value(RelaySettings.STUN_ENABLED);
    }

    /** Re-merge of 1000 settings from 50 cached source snapshots. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Object remerge1000SettingsFrom50Sources(LargeState state) {
        return PolicyMerge.resultant(TARGET, state.snapshots);
    }

    /** A forced reload: re-read 50 stores (1000 settings, two levels each) and re-merge. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Object forcedReload1000SettingsFrom50Stores(LargeState state) {
        return state.policy.reload();
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(PolicyBenchmarks.class.getName()).build()).run();
    }
}

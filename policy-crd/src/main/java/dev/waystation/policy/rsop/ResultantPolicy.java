package dev.waystation.policy.rsop;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import dev.waystation.policy.setting.PolicyMerge;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingItem;
import dev.waystation.policy.setting.SettingKey;
import dev.waystation.policy.setting.Snapshot;
import dev.waystation.policy.setting.SourceSnapshot;
import dev.waystation.policy.source.Subscription;

/**
 * The live, merged policy of one scope. Reads ({@link #snapshot()}, {@link #value}) are a lock-free
 * load of an immutable snapshot. Store changes reload it after the debounce; registrations reload it
 * at once; {@link #reload()} forces a re-read of every store. Each change that alters items bumps
 * the generation and is published to listeners (never for the first load).
 */
public final class ResultantPolicy {

    private final PolicyScope scope;
    private final PolicyEngine engine;
    private final PolicyClock clock;
    private final PolicyObserver observer;
    private final Debouncer debouncer;
    private final Subscribers subscribers;
    private final ReentrantLock reloadLock = new ReentrantLock();
    private volatile Snapshot effective;
    private volatile long generation;
    private volatile boolean healthy = true;

    ResultantPolicy(PolicyScope scope, PolicyEngine engine, PolicyClock clock, DebounceDelays delays,
            Executor listenerExecutor, PolicyObserver observer) {
        this.scope = scope;
        this.engine = engine;
        this.clock = clock;
        this.observer = observer;
        this.debouncer = new Debouncer(clock, delays, () -> reloadNow(false));
        this.subscribers = new Subscribers(listenerExecutor);
    }

    public PolicyScope scope() {
        return scope;
    }

    /** The current merged snapshot. Lock-free; never null. */
    public Snapshot snapshot() {
        return effective;
    }

    /** Increases by one with every change of the merged items; 0 after the first load. */
    public long generation() {
        return generation;
    }

    /** False when a source's last read failed or its store reported a problem. */
    public boolean healthy() {
        return healthy;
    }

    /** The effective value: the winning item's value, or the default when none or an error wins. */
    public <T> T value(SettingDefinition<T> definition) {
        return effective.value(definition);
    }

    /** The effective value with its provenance, origin and error. */
    public <T> Effective<T> effective(SettingDefinition<T> definition) {
        return Effective.of(definition, effective.get(definition.key()));
    }

    /**
     * Calls {@code listener} with every later change, in order, on the listener executor. Survives
     * any number of reloads; cancel to stop.
     */
    public Subscription subscribe(Consumer<PolicyChange> listener) {
        // Under the reload lock: a reload between reading the generation and adding the listener
        // would publish a change this listener never hears of, leaving it a generation behind.
        reloadLock.lock();
        try {
            return subscribers.add(listener, generation);
        } finally {
            reloadLock.unlock();
        }
    }

    /**
     * Re-reads every store now, bypassing the debounce, and returns the merged snapshot. After the
     * engine is closed it reads nothing and returns the last snapshot.
     */
    public Snapshot reload() {
        return reloadNow(true);
    }

    /** True while a debounced reload is waiting. */
    public boolean reloadPending() {
        return debouncer.pending();
    }

    /** Every registered setting with its effective state, the items it shadows, and the sources. */
    public PolicyExplanation explain() {
        List<RegisteredSource> mine = engine.sourcesFor(scope);
        List<SourceSnapshot> snapshots = mine.stream().map(s -> s.reader().snapshot()).toList();
        Snapshot current = effective;
        long currentGeneration = generation;
        List<SettingExplanation> settings = new ArrayList<>();
        for (SettingDefinition<?> definition : engine.definitions()) {
            SettingKey key = definition.key();
            settings.add(new SettingExplanation(Effective.of(definition, current.get(key)),
                    PolicyMerge.candidates(key, snapshots)));
        }
        return new PolicyExplanation(scope, currentGeneration, subscribers.deliveredThrough(currentGeneration), settings,
                mine.stream().map(RegisteredSource::status).toList());
    }

    void ensureLoaded() {
        if (effective == null) {
            reloadNow(false);
        }
    }

    void requestReload() {
        debouncer.request();
    }

    void cancelPending() {
        debouncer.cancel();
    }

    Snapshot reloadNow(boolean force) {
        reloadLock.lock();
        try {
            debouncer.cancel();
            long started = clock.nanoTime();
            List<RegisteredSource> mine = engine.sourcesFor(scope);
            // A closed engine has dropped its sources: merging them would wipe the policy. Checked
            // after reading the list, because close() sets the flag before it empties the list.
            if (effective != null && engine.isClosed()) {
                return effective;
            }
            List<SourceSnapshot> snapshots = new ArrayList<>(mine.size());
            boolean allHealthy = true;
            for (RegisteredSource source : mine) {
                snapshots.add(force ? source.reader().read() : source.reader().snapshot());
                allHealthy &= source.reader().failure().isEmpty() && source.reader().problem().isEmpty();
            }
            Snapshot next = PolicyMerge.resultant(scope, snapshots);
            Snapshot previous = effective;
            healthy = allHealthy;
            if (previous == null) {
                effective = next;
            } else if (!previous.equalItems(next)) {
                Set<SettingKey> changed = previous.changedKeys(next);
                // The generation moves before the snapshot: whoever sees the new snapshot sees its generation.
                long current = ++generation;
                effective = next;
                subscribers.publish(new PolicyChange(scope, current, previous, next, changed));
            } else if (!previous.equals(next)) {
                // Same items, another summary (a shadowed source came or went): no event.
                effective = next;
            }
            observer.reloaded(this, clock.nanoTime() - started, allHealthy);
            return effective;
        } finally {
            reloadLock.unlock();
        }
    }
}

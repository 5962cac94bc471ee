package dev.waystation.policy.rsop;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import dev.waystation.policy.setting.Origin;
import dev.waystation.policy.setting.PolicyMerge;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingRegistry;
import dev.waystation.policy.setting.Snapshot;
import dev.waystation.policy.setting.SourceSnapshot;
import dev.waystation.policy.source.PolicyReadException;
import dev.waystation.policy.source.PolicyStore;
import dev.waystation.policy.source.SourceReader;
import dev.waystation.policy.source.SourceRegistrar;
import dev.waystation.policy.source.Subscription;

/**
 * The resultant-policy engine: registered sources and one lazily created {@link ResultantPolicy}
 * per scope asked for. An instance, never a global: it owns its registry, clock and listener
 * executor.
 *
 * <p>Locking: the engine lock guards only the source list and the policy map and is never held
 * while reading stores, reloading or running listeners. A policy's reload takes only that policy's
 * lock and reads the latest source list inside it, so reloads triggered by concurrent registrations
 * always end on the newest list. Listeners run on the executor, so they may call back into the engine.
 */
public final class PolicyEngine implements SourceRegistrar, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PolicyEngine.class.getName());

    private final SettingRegistry registry;
    private final PolicyClock clock;
    private final Executor listenerExecutor;
    private final DebounceDelays delays;
    private final PolicyObserver observer;
    private final Object lock = new Object();
    private final Map<PolicyScope, ResultantPolicy> policies = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Consumer<PolicyScope>> sourceWatchers = new CopyOnWriteArrayList<>();
    private volatile List<RegisteredSource> sources = List.of();
    private long nextSequence;
    private volatile boolean closed;

    public PolicyEngine(SettingRegistry registry, PolicyClock clock, Executor listenerExecutor, DebounceDelays delays,
            PolicyObserver observer) {
        this.registry = registry;
        this.clock = clock;
        this.listenerExecutor = listenerExecutor;
        this.delays = delays;
        this.observer = observer;
    }

    public PolicyEngine(SettingRegistry registry, PolicyClock clock, Executor listenerExecutor, DebounceDelays delays) {
        this(registry, clock, listenerExecutor, delays, PolicyObserver.NONE);
    }

    /** Every registered setting (freezes the registry; a catalog conflict throws here). */
    public Collection<SettingDefinition<?>> definitions() {
        return registry.definitions();
    }

    public SettingRegistry registry() {
        return registry;
    }

    @Override
    public SourceRegistration register(String name, PolicyScope scope, int priority, PolicyStore store)
            throws PolicyReadException {
        RegisteredSource source = newSource(name, scope, priority, store, -1);
        synchronized (lock) {
            if (closed) {
                source.reader().close();
                throw new IllegalStateException("the policy engine is closed");
            }
            List<RegisteredSource> next = new ArrayList<>(sources);
            next.add(source);
            next.sort(RegisteredSource.ORDER);
            sources = List.copyOf(next);
        }
        reloadAffected(scope);
        notifySourceWatchers(scope);
        return new SourceRegistration(this, source);
    }

    /** Registers at priority 0. */
    public SourceRegistration register(String name, PolicyScope scope, PolicyStore store) throws PolicyReadException {
        return register(name, scope, 0, store);
    }

    /** The resultant policy of {@code scope}, created (and read) on first request. */
    public ResultantPolicy policyFor(PolicyScope scope) {
        ResultantPolicy policy = policies.get(scope);
        if (policy == null) {
            synchronized (lock) {
                if (closed) {
                    throw new IllegalStateException("the policy engine is closed");
                }
                policy = policies.computeIfAbsent(scope, s -> new ResultantPolicy(s, this, clock, delays,
                        listenerExecutor, observer));
            }
        }
        policy.ensureLoaded();
        return policy;
    }

    /**
     * The live resultant policy of {@code scope} when one exists, else a one-off one that the engine
     * does not keep: for questions that must leave no state behind (the debug endpoint). A one-off is
     * never shared, so no subscriber can come to depend on it; do not subscribe to it.
     */
    public ResultantPolicy liveOrOneOff(PolicyScope scope) {
        ResultantPolicy live = policies.get(scope);
        if (live != null) {
            live.ensureLoaded();
            return live;
        }
        ResultantPolicy oneOff;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the policy engine is closed");
            }
            oneOff = new ResultantPolicy(scope, this, clock, delays, listenerExecutor, observer);
        }
        oneOff.ensureLoaded();
        return oneOff;
    }

    /**
     * Drops the resultant policy of {@code scope} (for example a disconnected client's) with its
     * subscriptions; a later {@link #policyFor} builds a fresh one.
     */
    public void forget(PolicyScope scope) {
        ResultantPolicy dropped = policies.remove(scope);
        if (dropped != null) {
            dropped.cancelPending();
        }
    }

    /**
     * The merged snapshot of {@code scope} as it stands, without creating a resultant policy: the
     * live policy's snapshot when one exists, else a one-off merge of the sources' current
     * snapshots. For one-off questions (admission) that must leave no state behind.
     */
    public Snapshot evaluate(PolicyScope scope) {
        ResultantPolicy live = policies.get(scope);
        if (live != null && live.snapshot() != null) {
            return live.snapshot();
        }
        List<SourceSnapshot> snapshots = sourcesFor(scope).stream().map(s -> s.reader().snapshot()).toList();
        return PolicyMerge.resultant(scope, snapshots);
    }

    /**
     * True when exactly the same sources feed {@code a} and {@code b}, so their resultant policies
     * are equal item for item and one can stand for the other.
     */
    public boolean sameSources(PolicyScope a, PolicyScope b) {
        for (RegisteredSource source : sources) {
            if (source.scope().contains(a) != source.scope().contains(b)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Calls {@code watcher} with a source's scope after the source was registered or unregistered
     * (after the policies it feeds reloaded), on the thread that changed the registration. Watchers
     * must not block.
     */
    public Subscription watchSources(Consumer<PolicyScope> watcher) {
        Consumer<PolicyScope> unique = watcher::accept;
        sourceWatchers.add(unique);
        return () -> sourceWatchers.remove(unique);
    }

    /** Every registered source, lowest precedence first ({@link SourcePrecedence}). */
    public List<SourceStatus> sources() {
        return sources.stream().map(RegisteredSource::status).toList();
    }

    /** The scopes with a live resultant policy. */
    public Collection<ResultantPolicy> policies() {
        return List.copyOf(policies.values());
    }

    /** Stops listening to every store and cancels pending reloads. Stores stay open: their owners close them. */
    @Override
    public void close() {
        List<RegisteredSource> dropped;
        synchronized (lock) {
            closed = true;
            dropped = sources;
            sources = List.of();
        }
        dropped.forEach(s -> s.reader().close());
        policies.values().forEach(ResultantPolicy::cancelPending);
    }

    /** True once {@link #close} has run: policies then keep their last snapshot. */
    boolean isClosed() {
        return closed;
    }

    /** Sources whose scope contains {@code scope}, lowest precedence first. */
    List<RegisteredSource> sourcesFor(PolicyScope scope) {
        List<RegisteredSource> out = new ArrayList<>();
        for (RegisteredSource source : sources) {
            if (source.scope().contains(scope)) {
                out.add(source);
            }
        }
        return out;
    }

    void unregister(RegisteredSource source) {
        synchronized (lock) {
            if (!sources.contains(source)) {
                return;
            }
            List<RegisteredSource> next = new ArrayList<>(sources);
            next.remove(source);
            sources = List.copyOf(next);
        }
        source.reader().close();
        reloadAffected(source.scope());
        notifySourceWatchers(source.scope());
    }

    SourceRegistration replace(RegisteredSource old, PolicyStore store) throws PolicyReadException {
        RegisteredSource fresh = newSource(old.name(), old.scope(), old.priority(), store, old.sequence());
        synchronized (lock) {
            int index = sources.indexOf(old);
            if (index < 0) {
                fresh.reader().close();
                throw new IllegalStateException("the source is not registered: " + old.name() + " (" + old.scope() + ")");
            }
            List<RegisteredSource> next = new ArrayList<>(sources);
            next.set(index, fresh);
            sources = List.copyOf(next);
        }
        old.reader().close();
        reloadAffected(old.scope());
        return new SourceRegistration(this, fresh);
    }

    private RegisteredSource newSource(String name, PolicyScope scope, int priority, PolicyStore store, long sequence)
            throws PolicyReadException {
        Collection<SettingDefinition<?>> definitions = registry.definitions();
        RegisteredSource[] self = new RegisteredSource[1];
        SourceReader reader = new SourceReader(store, new Origin(name, scope), definitions, new SourceReader.Events() {
            @Override
            public void changed() {
                requestAffected(scope);
            }

            @Override
            public void expired() {
                if (self[0] != null) {
                    unregister(self[0]);
                }
            }
        });
        long seq;
        synchronized (lock) {
            seq = sequence >= 0 ? sequence : nextSequence++;
        }
        self[0] = new RegisteredSource(name, scope, priority, seq, store, reader);
        return self[0];
    }

    private void notifySourceWatchers(PolicyScope scope) {
        for (Consumer<PolicyScope> watcher : sourceWatchers) {
            try {
                watcher.accept(scope);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "source watcher failed for " + scope, e);
            }
        }
    }

    private void reloadAffected(PolicyScope scope) {
        for (ResultantPolicy policy : policies.values()) {
            if (scope.contains(policy.scope())) {
                policy.reloadNow(false);
            }
        }
    }

    private void requestAffected(PolicyScope scope) {
        for (ResultantPolicy policy : policies.values()) {
            if (scope.contains(policy.scope())) {
                policy.requestReload();
            }
        }
    }
}

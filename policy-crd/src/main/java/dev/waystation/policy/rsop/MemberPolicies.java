package dev.waystation.policy.rsop;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.Snapshot;
import dev.waystation.policy.source.Subscription;

/**
 * The live policies of many members (a relay's clients) under one base scope (the relay's region).
 * A member that no source names on its own is fed by exactly the base's sources, so it shares the
 * base's resultant policy: a change there is merged once and handed to each bound member, with no
 * per-member merge. Only a member some narrower source names (a User-scope Policy for that node key)
 * gets its own resultant policy. Members switch between the two as such sources come and go.
 *
 * <p>Per-member state exists exactly while the member has a bound connection: it is created by the
 * first {@link #bind} and dropped, with the member's own resultant policy, when the last binding
 * closes. {@link #current} answers one-off questions without creating any.
 *
 * <p>Locking: one lock orders binds, unbinds, switches and deliveries, so each binding sees the
 * current value first and every later one after it. Deliveries run under it; listeners must be
 * quick and must not block.
 *
 * @param <T> the members' typed record
 */
public final class MemberPolicies<T> implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MemberPolicies.class.getName());
    private static final Object NOTHING = new Object();

    private final PolicyEngine engine;
    private final PolicyScope base;
    private final Function<String, PolicyScope> memberScope;
    private final Function<Snapshot, T> projection;
    private final PolicyView<T> shared;
    private final Subscription sharedBinding;
    private final Subscription sourceWatch;
    private final Object lock = new Object();
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final AtomicInteger ownPolicies = new AtomicInteger();

    /** One member with at least one bound connection. */
    private final class Member {
        final String name;
        final PolicyScope scope;
        final List<Consumer<T>> listeners = new CopyOnWriteArrayList<>();
        PolicyView<T> own;
        Subscription ownBinding;
        /** The record its listeners last heard: a switch between shared and own repeats nothing. */
        Object last = NOTHING;

        Member(String name) {
            this.name = name;
            this.scope = memberScope.apply(name);
        }

        T current() {
            return own != null ? own.current() : shared.current();
        }
    }

    public MemberPolicies(PolicyEngine engine, PolicyScope base, Function<String, PolicyScope> memberScope,
            Function<Snapshot, T> projection) {
        this.engine = engine;
        this.base = base;
        this.memberScope = memberScope;
        this.projection = projection;
        this.shared = new PolicyView<>(engine.policyFor(base), policy -> projection.apply(policy.snapshot()));
        this.sharedBinding = shared.bind(this::sharedChanged);
        this.sourceWatch = engine.watchSources(this::sourcesChanged);
    }

    /** The member's current record; creates no state (a one-off merge for a named, unbound member). */
    public T current(String member) {
        Member bound = members.get(member);
        if (bound != null) {
            return bound.current();
        }
        PolicyScope scope = memberScope.apply(member);
        return engine.sameSources(base, scope) ? shared.current() : projection.apply(engine.evaluate(scope));
    }

    /**
     * Binds one connection of {@code member}: {@code listener} gets the current record now and every
     * later one until the returned subscription closes. Closing the member's last binding drops all
     * its state.
     */
    public Subscription bind(String member, Consumer<T> listener) {
        Consumer<T> unique = listener::accept;
        Member bound;
        synchronized (lock) {
            bound = members.computeIfAbsent(member, Member::new);
            bound.listeners.add(unique);
            if (bound.listeners.size() > 1) {
                unique.accept(bound.current());
            } else if (engine.sameSources(base, bound.scope)) {
                deliver(bound, shared.current());
            } else {
                useOwnPolicy(bound); // delivers the own policy's current record
            }
        }
        Member mine = bound;
        return () -> unbind(mine, unique);
    }

    /** Members with a bound connection. */
    public int boundMembers() {
        return members.size();
    }

    /** Bound members with a resultant policy of their own (named by a narrower source). */
    public int ownPolicies() {
        return ownPolicies.get();
    }

    /** The shared record of members no narrower source names. */
    public T shared() {
        return shared.current();
    }

    @Override
    public void close() {
        sourceWatch.close();
        sharedBinding.close();
        shared.detach();
        synchronized (lock) {
            for (Member member : members.values()) {
                dropOwnPolicy(member);
            }
            members.clear();
        }
    }

    private void unbind(Member member, Consumer<T> listener) {
        synchronized (lock) {
            if (!member.listeners.remove(listener) || !member.listeners.isEmpty()) {
                return;
            }
            members.remove(member.name, member);
            dropOwnPolicy(member);
        }
    }

    private void sharedChanged(T record) {
        synchronized (lock) {
            for (Member member : members.values()) {
                if (member.own == null) {
                    deliver(member, record);
                }
            }
        }
    }

    private void ownChanged(Member member, T record) {
        synchronized (lock) {
            if (member.own != null && members.get(member.name) == member) {
                deliver(member, record);
            }
        }
    }

    /**
     * A source came or went. One that also feeds the base changes both alike (the shared delivery
     * carries it); any other may name members, which then switch to their own policy or back.
     */
    private void sourcesChanged(PolicyScope source) {
        if (source.contains(base)) {
            return;
        }
        synchronized (lock) {
            for (Member member : members.values()) {
                if (!source.contains(member.scope)) {
                    continue;
                }
                boolean named = !engine.sameSources(base, member.scope);
                if (named && member.own == null) {
                    useOwnPolicy(member);
                } else if (!named && member.own != null) {
                    dropOwnPolicy(member);
                    deliver(member, shared.current());
                }
            }
        }
    }

    /** Caller holds the lock. */
    private void useOwnPolicy(Member member) {
        member.own = new PolicyView<>(engine.policyFor(member.scope), policy -> projection.apply(policy.snapshot()));
        ownPolicies.incrementAndGet();
        member.ownBinding = member.own.bind(record -> ownChanged(member, record));
    }

    /** Caller holds the lock. */
    private void dropOwnPolicy(Member member) {
        if (member.own == null) {
            return;
        }
        member.ownBinding.close();
        member.own.detach();
        member.own = null;
        member.ownBinding = null;
        ownPolicies.decrementAndGet();
        engine.forget(member.scope);
    }

    private void deliver(Member member, T record) {
        if (Objects.equals(member.last, record)) {
            return;
        }
        member.last = record;
        for (Consumer<T> listener : member.listeners) {
            try {
                listener.accept(record);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "member policy listener failed for " + member.name, e);
            }
        }
    }
}

package dev.waystation.policy.rsop;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.waystation.policy.source.Subscription;

/**
 * A typed record projected from a resultant policy, kept current. {@link #current()} is a volatile
 * read. {@link #bind} is the only way to follow it: the listener gets the current record and then
 * every new one, in order, with no change lost in between (reading the current value and
 * subscribing separately loses a change that lands between the two).
 *
 * @param <T> the subsystem's record
 */
public final class PolicyView<T> {

    private static final System.Logger LOG = System.getLogger(PolicyView.class.getName());

    private final ResultantPolicy policy;
    private final Function<ResultantPolicy, T> projection;
    private final CopyOnWriteArrayList<Consumer<T>> listeners = new CopyOnWriteArrayList<>();
    private final Subscription upstream;
    private volatile T current;

    public PolicyView(ResultantPolicy policy, Function<ResultantPolicy, T> projection) {
        this.policy = policy;
        this.projection = projection;
        // Subscribe before the first projection so no change falls in between.
        this.upstream = policy.subscribe(change -> refresh());
        this.current = projection.apply(policy);
    }

    public T current() {
        return current;
    }

    /**
     * Calls {@code listener} with the current record now, on this thread, and then with every new
     * record, in order, on the policy listener thread, until the returned subscription is closed.
     * The record is projected afresh first; changes that arrive while the first call runs wait for
     * it and are delivered after it.
     */
    public synchronized Subscription bind(Consumer<T> listener) {
        refresh();
        Consumer<T> unique = listener::accept;
        listeners.add(unique);
        unique.accept(current);
        return () -> listeners.remove(unique);
    }

    /** Stops following the resultant policy (for views that live shorter than it). */
    public void detach() {
        upstream.close();
        listeners.clear();
    }

    private synchronized void refresh() {
        T next = projection.apply(policy);
        if (Objects.equals(next, current)) {
            return;
        }
        current = next;
        for (Consumer<T> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "policy view listener failed", e);
            }
        }
    }
}

package dev.waystation.relay.policy;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.waystation.policy.rsop.ResultantPolicy;
import dev.waystation.policy.source.Subscription;

/**
 * A typed record projected from a resultant policy, kept current. {@link #current()} is a volatile
 * read; subscribers hear about a new record only when it differs from the previous one, in order,
 * on the policy listener thread.
 *
 * @param <T> the subsystem's record
 */
public final class PolicyView<T> {

    private static final System.Logger LOG = System.getLogger(PolicyView.class.getName());

    private final ResultantPolicy policy;
    private final Function<ResultantPolicy, T> projection;
    private final CopyOnWriteArrayList<Consumer<T>> listeners = new CopyOnWriteArrayList<>();
    private volatile T current;

    PolicyView(ResultantPolicy policy, Function<ResultantPolicy, T> projection) {
        this.policy = policy;
        this.projection = projection;
        // Subscribe before the first projection so no change falls in between.
        policy.subscribe(change -> refresh());
        this.current = projection.apply(policy);
    }

    public T current() {
        return current;
    }

    /** Calls {@code listener} with every new record (not with the current one). */
    public Subscription subscribe(Consumer<T> listener) {
        Consumer<T> unique = listener::accept;
        listeners.add(unique);
        return () -> listeners.remove(unique);
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

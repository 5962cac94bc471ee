package dev.waystation.policy.rsop;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import dev.waystation.policy.source.Subscription;

/**
 * Change listeners of one resultant policy. Each listener receives events in order, one at a time,
 * on the executor (never on the reload thread, so it may call back into the engine); a listener that
 * throws is logged and keeps its subscription, and harms no other listener.
 */
final class Subscribers {

    private static final System.Logger LOG = System.getLogger(Subscribers.class.getName());

    private final Executor executor;
    private final CopyOnWriteArrayList<Delivery> deliveries = new CopyOnWriteArrayList<>();

    Subscribers(Executor executor) {
        this.executor = executor;
    }

    /** @param generation the policy's generation now: the listener hears of later ones only */
    Subscription add(Consumer<PolicyChange> listener, long generation) {
        Delivery delivery = new Delivery(listener, generation);
        deliveries.add(delivery);
        return () -> {
            delivery.cancelled = true;
            deliveries.remove(delivery);
        };
    }

    void publish(PolicyChange change) {
        for (Delivery delivery : deliveries) {
            delivery.offer(change);
        }
    }

    /** The newest generation every listener has handled; {@code current} when there are none. */
    long deliveredThrough(long current) {
        long through = current;
        for (Delivery delivery : deliveries) {
            through = Math.min(through, delivery.delivered);
        }
        return through;
    }

    int size() {
        return deliveries.size();
    }

    /** A per-listener serial queue drained on the shared executor. */
    private final class Delivery {
        private final Consumer<PolicyChange> listener;
        private final Queue<PolicyChange> queue = new ArrayDeque<>();
        private boolean draining;
        private volatile boolean cancelled;
        private volatile long delivered;

        Delivery(Consumer<PolicyChange> listener, long generation) {
            this.listener = listener;
            this.delivered = generation;
        }

        void offer(PolicyChange change) {
            synchronized (this) {
                queue.add(change);
                if (draining) {
                    return;
                }
                draining = true;
            }
            executor.execute(this::drain);
        }

        private void drain() {
            while (true) {
                PolicyChange next;
                synchronized (this) {
                    next = queue.poll();
                    if (next == null) {
                        draining = false;
                        return;
                    }
                }
                if (!cancelled) {
                    try {
                        listener.accept(next);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "policy change listener failed for " + next.scope(), e);
                    }
                }
                delivered = next.generation();
            }
        }
    }
}

package dev.waystation.relay.admission;

import java.util.ArrayDeque;
import java.util.Iterator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The webhook client's bounded pool and queue: at most {@code maxInFlight} calls run, at most
 * {@code maxQueued} wait, each for at most {@code queueTimeoutMillis}. A check that finds the queue
 * full, or waits too long, is told at once that the relay itself is overloaded: that is never a
 * webhook outage, so it never fails open. Waiting does not eat into a call's own deadline, which
 * starts when the call does.
 */
final class WebhookSlots {

    private record Waiter(Promise<Boolean> promise, long timerId) {
    }

    private final Vertx vertx;
    private final int maxInFlight;
    private final int maxQueued;
    private final long queueTimeoutMillis;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int inFlight;

    WebhookSlots(Vertx vertx, int maxInFlight, int maxQueued, long queueTimeoutMillis) {
        if (maxInFlight < 1 || maxQueued < 0 || queueTimeoutMillis < 1) {
            throw new IllegalArgumentException("waystation.admission.webhook: max-connections must be at least 1, "
                    + "max-queued at least 0 and queue-timeout positive");
        }
        this.vertx = vertx;
        this.maxInFlight = maxInFlight;
        this.maxQueued = maxQueued;
        this.queueTimeoutMillis = queueTimeoutMillis;
    }

    /** True once a slot is held (call {@link #release()} when done); false: the relay is overloaded. */
    Future<Boolean> acquire() {
        Promise<Boolean> promise = Promise.promise();
        synchronized (this) {
            if (inFlight < maxInFlight) {
                inFlight++;
                return Future.succeededFuture(true);
            }
            if (queue.size() >= maxQueued) {
                return Future.succeededFuture(false);
            }
            long timer = vertx.setTimer(queueTimeoutMillis, id -> expire(promise));
            queue.add(new Waiter(promise, timer));
        }
        return promise.future();
    }

    /** Hands the slot to the longest waiting check, or frees it. */
    void release() {
        Waiter next;
        synchronized (this) {
            next = queue.poll();
            if (next == null) {
                inFlight--;
                return;
            }
        }
        vertx.cancelTimer(next.timerId());
        next.promise().complete(true);
    }

    synchronized int inFlight() {
        return inFlight;
    }

    synchronized int queued() {
        return queue.size();
    }

    private void expire(Promise<Boolean> promise) {
        synchronized (this) {
            boolean removed = false;
            for (Iterator<Waiter> it = queue.iterator(); it.hasNext();) {
                if (it.next().promise() == promise) {
                    it.remove();
                    removed = true;
                    break;
                }
            }
            if (!removed) {
                return;
            }
        }
        promise.complete(false);
    }
}

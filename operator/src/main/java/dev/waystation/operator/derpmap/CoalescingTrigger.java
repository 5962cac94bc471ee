package dev.waystation.operator.derpmap;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task shortly after it is requested, once for any number of requests arriving together, and
 * never loses one: a request that arrives while the task runs schedules another run (the running one
 * may have read its input before the change). At most one run is queued at a time, so requests never
 * pile up. Runs happen on the given executor, which must be single-threaded so runs never overlap.
 */
final class CoalescingTrigger {

    private final ScheduledExecutorService executor;
    private final Runnable task;
    private final long delayMillis;
    /** A run is queued and has not started yet: further requests are covered by it. */
    private boolean queued;

    CoalescingTrigger(ScheduledExecutorService executor, long delayMillis, Runnable task) {
        this.executor = executor;
        this.delayMillis = delayMillis;
        this.task = task;
    }

    /** Asks for a run that starts after this call. */
    synchronized void request() {
        requestAfter(delayMillis);
    }

    /** Asks for a run no earlier than {@code millis} from now (a retry after a failure). */
    synchronized void requestAfter(long millis) {
        if (!queued) {
            queued = true;
            executor.schedule(this::run, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void run() {
        synchronized (this) {
            queued = false; // from here on a request means "after what this run reads"
        }
        task.run();
    }
}

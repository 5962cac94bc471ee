package dev.waystation.policy.rsop;

/**
 * Batches change requests: fires {@code quiet} after the last request, capped at {@code max} after
 * the first request of the batch. The action runs on the clock's thread, outside this lock.
 */
final class Debouncer {

    private final PolicyClock clock;
    private final long quietNanos;
    private final long maxNanos;
    private final Runnable action;
    private boolean batchOpen;
    private long capDeadline;
    private long dueAt;
    private long token;
    private PolicyClock.Cancellable timer;

    Debouncer(PolicyClock clock, DebounceDelays delays, Runnable action) {
        this.clock = clock;
        this.quietNanos = delays.quiet().toNanos();
        this.maxNanos = delays.max().toNanos();
        this.action = action;
    }

    synchronized void request() {
        long now = clock.nanoTime();
        if (!batchOpen) {
            batchOpen = true;
            capDeadline = now + maxNanos;
        }
        long due = Math.min(now + quietNanos, capDeadline);
        if (timer != null && due == dueAt) {
            return;
        }
        cancelTimer();
        dueAt = due;
        long mine = ++token;
        timer = clock.schedule(java.time.Duration.ofNanos(due - now), () -> fire(mine));
    }

    /** Drops the open batch: a synchronous reload has absorbed it. */
    synchronized void cancel() {
        batchOpen = false;
        cancelTimer();
        token++;
    }

    synchronized boolean pending() {
        return batchOpen;
    }

    private void fire(long mine) {
        synchronized (this) {
            if (mine != token || !batchOpen) {
                return;
            }
            batchOpen = false;
            timer = null;
        }
        action.run();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}

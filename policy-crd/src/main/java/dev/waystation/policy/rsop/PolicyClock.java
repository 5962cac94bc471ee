package dev.waystation.policy.rsop;

import java.time.Duration;

/** Time for the engine's debounce: a monotonic reading and delayed tasks. Tests inject a fake. */
public interface PolicyClock {

    /** Monotonic nanoseconds. */
    long nanoTime();

    /** Runs {@code task} after {@code delay}; the returned handle cancels it. */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}

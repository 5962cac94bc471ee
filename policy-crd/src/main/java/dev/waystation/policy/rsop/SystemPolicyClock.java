package dev.waystation.policy.rsop;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The real clock: {@link System#nanoTime()} and a scheduler the owner provides and shuts down. */
public final class SystemPolicyClock implements PolicyClock {

    private final ScheduledExecutorService scheduler;

    public SystemPolicyClock(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = scheduler.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }
}

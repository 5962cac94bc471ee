package dev.waystation.policy.rsop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A manual clock: time moves only in {@link #advance}, which runs due tasks in order on the caller. */
public final class FakeClock implements PolicyClock {

    private long now;
    private long sequence;
    private final List<Task> tasks = new ArrayList<>();

    private record Task(long due, long order, Runnable action, boolean[] cancelled) {
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now + delay.toNanos(), sequence++, task, cancelled));
        return () -> {
            synchronized (FakeClock.this) {
                cancelled[0] = true;
            }
        };
    }

    /** Moves time forward by {@code step}, running every task that falls due, at its due time. */
    public void advance(Duration step) {
        long target;
        synchronized (this) {
            target = now + step.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                tasks.removeIf(t -> t.cancelled()[0]);
                next = tasks.stream().filter(t -> t.due() <= target)
                        .min((a, b) -> a.due() != b.due() ? Long.compare(a.due(), b.due()) : Long.compare(a.order(), b.order()))
                        .orElse(null);
                if (next == null) {
                    now = target;
                    return;
                }
                tasks.remove(next);
                now = Math.max(now, next.due());
            }
            next.action().run();
        }
    }

    public void advanceMillis(long millis) {
        advance(Duration.ofMillis(millis));
    }

    /** Milliseconds since the start. */
    public synchronized long millis() {
        return now / 1_000_000;
    }

    public synchronized int pendingTasks() {
        tasks.removeIf(t -> t.cancelled()[0]);
        return tasks.size();
    }
}

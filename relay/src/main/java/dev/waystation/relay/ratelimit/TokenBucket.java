package dev.waystation.relay.ratelimit;

import java.util.function.LongSupplier;

/**
 * A token bucket that may go into debt: {@link #charge} always succeeds and says how long the caller
 * should wait before taking more, which is how per-client read limits apply TCP back-pressure
 * (derper delays the next frame read; it never drops). {@link #tryTake} is the all-or-nothing form
 * used by the accept-rate limiter.
 *
 * <p>A rate of zero (or less) means unlimited. Rate and burst can change while in use; tokens
 * already accrued are kept, capped at the new burst. Thread-safe; the clock is injectable so tests
 * are exact.
 */
public final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1_000_000_000d;

    private final LongSupplier nanoClock;
    private double ratePerSecond;
    private double burst;
    private double tokens;
    private long lastRefillNanos;

    public TokenBucket(double ratePerSecond, double burst, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.tokens = burst;
        this.lastRefillNanos = nanoClock.getAsLong();
    }

    public static TokenBucket unlimited(LongSupplier nanoClock) {
        return new TokenBucket(0, 0, nanoClock);
    }

    public synchronized boolean isUnlimited() {
        return ratePerSecond <= 0;
    }

    public synchronized double ratePerSecond() {
        return ratePerSecond;
    }

    public synchronized double burst() {
        return burst;
    }

    /** Changes the limits in place; a client keeps its accrued tokens (capped at the new burst) and its debt. */
    public synchronized void reconfigure(double newRatePerSecond, double newBurst) {
        refill();
        if (ratePerSecond <= 0) {
            // Leaving "unlimited": start with a full bucket, as a fresh limiter would.
            tokens = newBurst;
        }
        this.ratePerSecond = newRatePerSecond;
        this.burst = newBurst;
        if (tokens > newBurst) {
            tokens = newBurst;
        }
        if (newRatePerSecond <= 0) {
            tokens = newBurst;
        }
    }

    /** Takes {@code amount} tokens if all are available now; otherwise takes nothing. */
    public synchronized boolean tryTake(double amount) {
        if (ratePerSecond <= 0) {
            return true;
        }
        refill();
        if (tokens >= amount) {
            tokens -= amount;
            return true;
        }
        return false;
    }

    /**
     * Takes {@code amount} tokens, going into debt if needed, and returns how many nanoseconds the
     * caller must wait until the bucket is out of debt (0 when it is not in debt).
     */
    public synchronized long charge(double amount) {
        if (ratePerSecond <= 0) {
            return 0;
        }
        refill();
        tokens -= amount;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / ratePerSecond * NANOS_PER_SECOND);
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        long elapsed = now - lastRefillNanos;
        lastRefillNanos = now;
        if (elapsed > 0 && ratePerSecond > 0) {
            tokens = Math.min(burst, tokens + elapsed * ratePerSecond / NANOS_PER_SECOND);
        }
    }
}

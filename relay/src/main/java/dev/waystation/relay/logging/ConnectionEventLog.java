package dev.waystation.relay.logging;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.waystation.relay.ratelimit.TokenBucket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The one place that logs about single connections that were refused or failed (admission denied,
 * protocol violations). A flood of bad connections must not turn into a flood of log lines that
 * costs more CPU than the connections themselves, so lines share one token bucket; what it holds back
 * is counted ({@code waystation_log_lines_suppressed_total}) and summed up in the next line let
 * through. Admitted connections are never logged here: they are counted by metrics and logged at DEBUG.
 */
@Singleton
public class ConnectionEventLog {

    /** Lines per second over the whole process, and the burst allowed on top. */
    static final double LINES_PER_SECOND = 10;
    static final double BURST = 50;

    private final TokenBucket bucket;
    private final Counter suppressed;
    private long suppressedSinceLastLine;

    public ConnectionEventLog(MeterRegistry registry) {
        this.bucket = new TokenBucket(LINES_PER_SECOND, BURST, System::nanoTime);
        this.suppressed = Counter.builder("waystation_log_lines_suppressed")
                .description("Log lines about refused or failed connections held back by the log rate limit ("
                        + (int) LINES_PER_SECOND + "/s, burst " + (int) BURST + ")")
                .register(registry);
    }

    /** Logs at INFO unless the rate limit holds the line back. */
    public void info(Logger log, String format, Object... params) {
        emit(log, Logger.Level.INFO, format, params);
    }

    /** Logs at WARN unless the rate limit holds the line back. */
    public void warn(Logger log, String format, Object... params) {
        emit(log, Logger.Level.WARN, format, params);
    }

    private void emit(Logger log, Logger.Level level, String format, Object[] params) {
        if (!log.isEnabled(level)) {
            return;
        }
        long heldBack;
        synchronized (this) {
            if (!bucket.tryTake(1)) {
                suppressedSinceLastLine++;
                suppressed.increment();
                return;
            }
            heldBack = suppressedSinceLastLine;
            suppressedSinceLastLine = 0;
        }
        if (heldBack > 0) {
            log.logf(level, "%d similar lines about refused or failed connections were suppressed (rate limit %d/s)",
                    heldBack, (int) LINES_PER_SECOND);
        }
        log.logf(level, format, params);
    }
}

package dev.waystation.policy.rsop;

import java.time.Duration;
import java.util.Objects;

/**
 * Tailscale's documented debounce: reload {@code quiet} after the last change of a batch, but never
 * later than {@code max} after its first change. (Tailscale's shipped code swaps the two against its own comment; we follow the comment.)
 */
public record DebounceDelays(Duration quiet, Duration max) {

    /** The relay's defaults: 200 ms quiet, 1 s at most. */
    public static final DebounceDelays RELAY_DEFAULTS = new DebounceDelays(Duration.ofMillis(200), Duration.ofSeconds(1));

    public DebounceDelays {
        Objects.requireNonNull(quiet, "quiet");
        Objects.requireNonNull(max, "max");
        if (quiet.isNegative() || max.compareTo(quiet) < 0) {
            throw new IllegalArgumentException("debounce needs 0 <= quiet <= max, got quiet " + quiet + " max " + max);
        }
    }
}

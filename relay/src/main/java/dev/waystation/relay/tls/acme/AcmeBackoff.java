package dev.waystation.relay.tls.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Delay before the next order after {@code failures} failed ones in a row: exponential from
 * {@code min}, capped at {@code max}, with "equal jitter" (half fixed, half random) so relays that
 * failed together do not retry together; never earlier than the CA's {@code Retry-After}, which may
 * exceed the cap (a rate-limited account must wait what the CA says).
 */
final class AcmeBackoff {

    private final Duration min;
    private final Duration max;
    private final RandomGenerator random;

    AcmeBackoff(Duration min, Duration max, RandomGenerator random) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("ACME retry delays need 0 < retry-min <= retry-max, got " + min + " and "
                    + max);
        }
        this.min = min;
        this.max = max;
        this.random = random;
    }

    Duration delay(int failures, Optional<Instant> retryAfter, Instant now) {
        long cap = max.toMillis();
        long base = min.toMillis();
        for (int i = 1; i < failures && base < cap; i++) {
            base *= 2;
        }
        base = Math.min(base, cap);
        long half = base / 2;
        Duration jittered = Duration.ofMillis(half + (half == 0 ? 0 : random.nextLong(half + 1)));
        if (retryAfter.isPresent()) {
            Duration asked = Duration.between(now, retryAfter.get());
            if (asked.compareTo(jittered) > 0) {
                return asked;
            }
        }
        return jittered;
    }
}

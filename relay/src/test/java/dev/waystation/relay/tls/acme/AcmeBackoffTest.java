package dev.waystation.relay.tls.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class AcmeBackoffTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private final AcmeBackoff backoff = new AcmeBackoff(Duration.ofMinutes(1), Duration.ofMinutes(16),
            new SplittableRandom(7));

    @Test
    void doublesPerFailureWithinHalfToFullOfTheStepAndStopsAtTheCap() {
        for (int failures = 1; failures <= 10; failures++) {
            Duration step = Duration.ofMinutes(Math.min(16, 1L << (failures - 1)));
            Duration delay = backoff.delay(failures, Optional.empty(), NOW);
            assertThat(delay).as("failure %d", failures).isBetween(step.dividedBy(2), step);
        }
    }

    @Test
    void jitterSpreadsRelaysThatFailedTogether() {
        long distinct = java.util.stream.IntStream.range(0, 20)
                .mapToObj(i -> backoff.delay(5, Optional.empty(), NOW)).distinct().count();
        assertThat(distinct).isGreaterThan(10);
    }

    @Test
    void theCasRetryAfterWinsEvenBeyondTheCap() {
        Instant retryAfter = NOW.plus(Duration.ofHours(3));
        assertThat(backoff.delay(1, Optional.of(retryAfter), NOW)).isEqualTo(Duration.ofHours(3));
        // A Retry-After already past does not shorten the backoff.
        assertThat(backoff.delay(3, Optional.of(NOW.minusSeconds(5)), NOW)).isBetween(Duration.ofMinutes(2),
                Duration.ofMinutes(4));
    }

    @Test
    void impossibleBoundsAreRejectedWithTheirNames() {
        assertThatThrownBy(() -> new AcmeBackoff(Duration.ofMinutes(5), Duration.ofMinutes(1), () -> 0L))
                .hasMessageContaining("retry-min").hasMessageContaining("retry-max");
    }
}

package dev.waystation.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class WatchStatesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final WatchStates states = new WatchStates(Duration.ofMinutes(2));

    @Test
    void aWatchWithoutConnectionBeyondTheBoundIsDeadAndNamesWhy() {
        assertThat(states.observe("w", true, false, T0)).hasValue(
                new WatchStates.Trouble("not watching since " + T0 + " (0 s; dead after waystation.operator.watch-dead-after PT2M)", false));
        assertThat(dead("w", false, T0.plusSeconds(120))).as("exactly the bound").isFalse();
        assertThat(states.observe("w", true, false, T0.plusSeconds(121))).hasValueSatisfying(trouble -> {
            assertThat(trouble.dead()).isTrue();
            assertThat(trouble.reason()).contains("not watching since " + T0, "121 s");
        });
    }

    @Test
    void reconnectingWithinTheBoundStartsTheCountAgain() {
        states.observe("w", true, false, T0);
        assertThat(states.observe("w", true, true, T0.plusSeconds(100))).isEmpty();
        assertThat(dead("w", false, T0.plusSeconds(200))).isFalse();
        assertThat(dead("w", false, T0.plusSeconds(300))).isFalse();
        assertThat(dead("w", false, T0.plusSeconds(321))).isTrue();
    }

    @Test
    void aStoppedWatchIsDeadOnlyIfItRanBefore() {
        assertThat(states.observe("standby", false, false, T0)).as("never started, e.g. on a standby").isEmpty();
        states.observe("w", true, true, T0);
        assertThat(states.observe("w", false, false, T0.plusSeconds(1))).hasValue(new WatchStates.Trouble("stopped", true));
    }

    @Test
    void watchesAreJudgedApart() {
        states.observe("a", true, false, T0);
        states.observe("b", true, false, T0.plusSeconds(100));
        assertThat(dead("a", false, T0.plusSeconds(150))).isTrue();
        assertThat(dead("b", false, T0.plusSeconds(150))).isFalse();
    }

    private boolean dead(String name, boolean watching, Instant now) {
        return states.observe(name, true, watching, now).map(WatchStates.Trouble::dead).orElse(false);
    }
}

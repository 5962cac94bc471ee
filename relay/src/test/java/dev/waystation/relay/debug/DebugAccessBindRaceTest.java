package dev.waystation.relay.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.waystation.relay.policy.RacingRelayPolicy;

/** A Debug.AllowedCIDRs change that lands between the bind and the first apply is applied. */
class DebugAccessBindRaceTest {

    @Test
    void aChangeBetweenBindAndFirstApplyIsApplied() {
        try (RacingRelayPolicy policy = new RacingRelayPolicy(Map.of("Debug.AllowedCIDRs", List.of()))) {
            DebugAccess access = new DebugAccess();
            access.policy = policy;
            policy.changeDuringNextBind(Map.of("Debug.AllowedCIDRs", List.of("10.0.0.0/8")));

            access.start();

            assertThat(policy.changed()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> access.allows("10.1.2.3", false));
        }
    }
}

package dev.waystation.relay.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;

/** Liveness follows the policy watchers: a stopped one is DOWN, an unconfigured one does not count. */
class PolicyWatcherLivenessTest {

    @Test
    void upWhileEveryConfiguredWatcherRuns() {
        assertThat(PolicyWatcherLiveness.state(null, null).getStatus()).isEqualTo(Status.UP);
        assertThat(PolicyWatcherLiveness.state(true, null).getStatus()).isEqualTo(Status.UP);
        assertThat(PolicyWatcherLiveness.state(true, true).getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void downWhenAWatcherStopped() {
        assertThat(PolicyWatcherLiveness.state(false, null).getStatus()).isEqualTo(Status.DOWN);
        assertThat(PolicyWatcherLiveness.state(null, false).getStatus()).isEqualTo(Status.DOWN);
        assertThat(PolicyWatcherLiveness.state(true, false).getData().orElseThrow()).containsEntry("configmap", "stopped");
    }
}

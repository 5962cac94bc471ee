package dev.waystation.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.inject.Vetoed;

import org.junit.jupiter.api.Test;

import dev.waystation.relay.policy.RacingRelayPolicy;

/** A STUN policy change that lands between the bind and the first apply is applied. */
class StunPolicyBindRaceTest {

    @Test
    void aChangeBetweenBindAndFirstApplyIsApplied() {
        try (RacingRelayPolicy policy = new RacingRelayPolicy(Map.of("STUN.Enabled", true))) {
            StunConfig config = new TestStunConfig(0, List.of(), 1); // enabled, Tailscale clients only
            SocketlessStun server = new SocketlessStun(config);
            StunPolicyBinding binding = new StunPolicyBinding();
            binding.policy = policy;
            binding.server = server;
            binding.config = config;
            policy.changeDuringNextBind(Map.of("STUN.Enabled", false, "STUN.AnswerAllClients", true));

            binding.start(null);

            assertThat(policy.changed()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !server.isEnabled() && server.answersAllClients());
        }
    }

    /** The real server's switches without its sockets (not a bean: Quarkus tests must keep the real one). */
    @Vetoed
    private static final class SocketlessStun extends StunServer {
        private volatile boolean enabled;

        SocketlessStun(StunConfig config) {
            super(null, config, null);
        }

        @Override
        public synchronized CompletionStage<Void> setEnabled(boolean enable) {
            enabled = enable;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public synchronized boolean isEnabled() {
            return enabled;
        }
    }
}

package dev.waystation.relay.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import org.junit.jupiter.api.Test;

import dev.waystation.relay.derp.DerpServer;
import dev.waystation.relay.derp.NodeKey;
import dev.waystation.relay.policy.RacingRelayPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * For each admission consumer of policy, a change that lands between its bind and its first apply
 * is applied (see {@link RacingRelayPolicy}).
 */
class AdmissionBindRaceTest {

    private static final NodeKey CLIENT = NodeKey.parse("nodekey:" + "ab".repeat(32));
    private static final Duration BOUND = Duration.ofSeconds(10);

    @Test
    void acceptRateLimiterAppliesAChangeBetweenBindAndFirstApply() {
        try (RacingRelayPolicy policy = new RacingRelayPolicy(Map.of())) {
            AcceptRateLimiter limiter = new AcceptRateLimiter();
            limiter.policy = policy;
            limiter.metrics = new AdmissionMetrics(new SimpleMeterRegistry());
            limiter.config = new AdmissionConfig() {
                @Override
                public Webhook webhook() {
                    throw new UnsupportedOperationException("the accept-rate limiter asks no webhook");
                }

                @Override
                public int acceptSourcesMax() {
                    return 16;
                }
            };
            policy.changeDuringNextBind(Map.of("Admission.AcceptRatePerSecond", 1L, "Admission.AcceptBurst", 1L));

            limiter.start();

            assertThat(policy.changed()).isTrue();
            // Unlimited accepts everything; the new limit refuses once its one token is spent.
            await().atMost(BOUND).until(() -> !limiter.accept(null, null));
        }
    }

    @Test
    void enforcerAppliesAChangeBetweenBindAndFirstApply() {
        try (RacingRelayPolicy policy = new RacingRelayPolicy(Map.of())) {
            Set<NodeKey> closed = new CopyOnWriteArraySet<>();
            AdmissionEnforcer enforcer = enforcer(policy, closed);
            policy.changeDuringNextBind(Map.of("Admission.DeniedClients", List.of(CLIENT.toString())));

            enforcer.start();

            assertThat(policy.changed()).isTrue();
            await().atMost(BOUND).until(() -> closed.contains(CLIENT));
        }
    }

    @Test
    void clientSessionAppliesAChangeBetweenBindAndFirstApply() {
        try (RacingRelayPolicy policy = new RacingRelayPolicy(Map.of())) {
            ClientSessions sessions = new ClientSessions();
            sessions.policy = policy;
            sessions.metrics = new AdmissionMetrics(new SimpleMeterRegistry());
            policy.changeDuringNextBind(Map.of("Client.RateLimitBytesPerSecond", 1_000L));

            var session = sessions.forClient(CLIENT);
            assertThat(policy.changed()).isTrue();
            // Unlimited never asks to wait; 1,000 B/s does once a full burst is spent.
            await().atMost(BOUND).until(() -> session.charge(70_000) > 0);
            session.close();
            assertThat(policy.clients().boundMembers()).isZero();
        }
    }

    private static AdmissionEnforcer enforcer(RacingRelayPolicy policy, Set<NodeKey> closed) {
        PolicyAdmission admission = new PolicyAdmission();
        admission.policy = policy;
        AdmissionEnforcer enforcer = new AdmissionEnforcer();
        enforcer.policy = policy;
        enforcer.admission = admission;
        enforcer.metrics = new AdmissionMetrics(new SimpleMeterRegistry());
        enforcer.server = new DerpServer() {
            @Override
            public Set<NodeKey> connectedClients() {
                return Set.of(CLIENT);
            }

            @Override
            public void closeClient(NodeKey client) {
                closed.add(client);
            }
        };
        return enforcer;
    }
}

package dev.waystation.relay.stun;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.waystation.relay.policy.RelayPolicy;
import dev.waystation.relay.policy.StunPolicy;
import io.quarkus.runtime.StartupEvent;

/**
 * Applies {@code STUN.Enabled} and {@code STUN.AnswerAllClients} to the running STUN server, live.
 * The static {@code waystation.stun.enabled=false} switches STUN off for good (policy cannot turn
 * it on); {@code waystation.stun.answer-all-clients=true} answers everyone whatever the policy says.
 */
@Singleton
public class StunPolicyBinding {

    private static final Logger LOG = Logger.getLogger(StunPolicyBinding.class);

    @Inject
    RelayPolicy policy;
    @Inject
    StunServer server;
    @Inject
    StunConfig config;

    /** After the STUN server's own start-up (default observer priority), so policy has the last word. */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        policy.stun().bind(this::apply);
    }

    private void apply(StunPolicy stun) {
        server.setAnswerAllClients(config.answerAllClients() || stun.answerAllClients());
        boolean enable = config.enabled() && stun.enabled();
        if (enable != server.isEnabled()) {
            LOG.infof("STUN %s by policy", enable ? "enabled" : "disabled");
            server.setEnabled(enable).whenComplete((ok, failure) -> {
                if (failure != null) {
                    LOG.errorf(failure, "STUN could not be %s", enable ? "enabled" : "disabled");
                }
            });
        }
    }
}

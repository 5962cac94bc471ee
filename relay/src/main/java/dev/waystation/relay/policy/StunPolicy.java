package dev.waystation.relay.policy;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.rsop.ResultantPolicy;

/** Whether and to whom the STUN listener answers. */
public record StunPolicy(boolean enabled, boolean answerAllClients) {

    static StunPolicy of(ResultantPolicy policy) {
        return new StunPolicy(policy.value(RelaySettings.STUN_ENABLED), policy.value(RelaySettings.STUN_ANSWER_ALL_CLIENTS));
    }
}

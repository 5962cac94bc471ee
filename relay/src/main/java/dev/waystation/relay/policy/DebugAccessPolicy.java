package dev.waystation.relay.policy;

import java.util.List;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.rsop.ResultantPolicy;

/** Client networks (CIDR text) allowed to reach {@code /debug} on the management port. */
public record DebugAccessPolicy(List<String> allowedCidrs) {

    public DebugAccessPolicy {
        allowedCidrs = List.copyOf(allowedCidrs);
    }

    static DebugAccessPolicy of(ResultantPolicy policy) {
        return new DebugAccessPolicy(policy.value(RelaySettings.DEBUG_ALLOWED_CIDRS));
    }
}

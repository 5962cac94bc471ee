package dev.waystation.relay.policy;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.rsop.ResultantPolicy;

/**
 * One client's policy: the merge of fleet, region and that node key's sources
 * (scope {@code Profile(<region>)/User(nodekey:<hex>)}).
 *
 * @param rateLimitBytesPerSecond {@link RelaySettings#UNLIMITED} for no limit
 * @param rateBurstBytes {@link RelaySettings#UNLIMITED} for one second's worth of the rate
 */
public record ClientPolicy(String nodeKey, boolean allowed, long rateLimitBytesPerSecond, long rateBurstBytes) {

    static ClientPolicy of(String nodeKey, ResultantPolicy policy) {
        return new ClientPolicy(nodeKey, policy.value(RelaySettings.CLIENT_ALLOWED),
                policy.value(RelaySettings.CLIENT_RATE_LIMIT_BYTES_PER_SECOND),
                policy.value(RelaySettings.CLIENT_RATE_BURST_BYTES));
    }
}

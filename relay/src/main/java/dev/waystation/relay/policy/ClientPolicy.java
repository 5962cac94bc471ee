package dev.waystation.relay.policy;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.Snapshot;

/**
 * A client's policy: the merge of fleet, region and, when a User-scope Policy names it, that node
 * key's sources (scope {@code Profile(<region>)/User(nodekey:<hex>)}). Clients no User-scope source
 * names all share the region's record.
 *
 * @param rateLimitBytesPerSecond {@link RelaySettings#UNLIMITED} for no limit
 * @param rateBurstBytes {@link RelaySettings#UNLIMITED} for one second's worth of the rate
 */
public record ClientPolicy(boolean allowed, long rateLimitBytesPerSecond, long rateBurstBytes) {

    static ClientPolicy of(Snapshot policy) {
        return new ClientPolicy(policy.value(RelaySettings.CLIENT_ALLOWED),
                policy.value(RelaySettings.CLIENT_RATE_LIMIT_BYTES_PER_SECOND),
                policy.value(RelaySettings.CLIENT_RATE_BURST_BYTES));
    }
}

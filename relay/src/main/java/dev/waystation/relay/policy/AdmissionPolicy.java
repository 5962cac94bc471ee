package dev.waystation.relay.policy;

import java.util.Set;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.rsop.ResultantPolicy;

/**
 * Who may connect to this relay, from its region's resultant policy.
 *
 * @param verifyUrl admission controller URL, empty for none
 * @param acceptRatePerSecond new connections per second, {@link RelaySettings#UNLIMITED} for no limit
 * @param acceptBurst connections above the rate in a burst, {@link RelaySettings#UNLIMITED} for no limit
 */
public record AdmissionPolicy(String verifyUrl, boolean verifyUrlFailOpen, Set<String> allowedClients,
        Set<String> deniedClients, long acceptRatePerSecond, long acceptBurst) {

    public AdmissionPolicy {
        allowedClients = Set.copyOf(allowedClients);
        deniedClients = Set.copyOf(deniedClients);
    }

    static AdmissionPolicy of(ResultantPolicy policy) {
        return new AdmissionPolicy(policy.value(RelaySettings.ADMISSION_VERIFY_URL),
                policy.value(RelaySettings.ADMISSION_VERIFY_URL_FAIL_OPEN),
                Set.copyOf(policy.value(RelaySettings.ADMISSION_ALLOWED_CLIENTS)),
                Set.copyOf(policy.value(RelaySettings.ADMISSION_DENIED_CLIENTS)),
                policy.value(RelaySettings.ADMISSION_ACCEPT_RATE_PER_SECOND),
                policy.value(RelaySettings.ADMISSION_ACCEPT_BURST));
    }

    /** The lists' verdict for a node key ({@code nodekey:<hex>}): denied wins; a non-empty allow list is exclusive. */
    public boolean listsAdmit(String nodeKey) {
        if (deniedClients.contains(nodeKey)) {
            return false;
        }
        return allowedClients.isEmpty() || allowedClients.contains(nodeKey);
    }
}

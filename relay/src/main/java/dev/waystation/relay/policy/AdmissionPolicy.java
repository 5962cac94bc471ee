package dev.waystation.relay.policy;

import java.util.List;
import java.util.Set;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.rsop.Effective;
import dev.waystation.policy.rsop.ResultantPolicy;
import dev.waystation.policy.setting.SettingDefinition;

/**
 * Who may connect to this relay, from its region's resultant policy. Node keys in the lists are in
 * the catalog's normal form ({@code nodekey:} and lower-case hex).
 *
 * @param verifyUrl admission controller URL, empty for none
 * @param verifyUrlAllowHttp whether a plain {@code http://} verifyUrl may be called
 * @param acceptRatePerSecond new connections per second, {@link RelaySettings#UNLIMITED} for no limit
 * @param acceptBurst connections above the rate in a burst, {@link RelaySettings#UNLIMITED} for no limit
 * @param policyError empty, or why a setting admission depends on holds an error with no last good
 *        value to fall back on (its default would admit clients the policy means to refuse, so
 *        admission fails closed while it lasts)
 */
public record AdmissionPolicy(String verifyUrl, boolean verifyUrlAllowHttp, boolean verifyUrlFailOpen,
        Set<String> allowedClients, Set<String> deniedClients, long acceptRatePerSecond, long acceptBurst,
        String policyError) {

    /** Settings whose default (empty) admits more than a broken value may have meant to. */
    private static final List<SettingDefinition<?>> FAIL_CLOSED_ON_ERROR = List.of(
            RelaySettings.ADMISSION_DENIED_CLIENTS, RelaySettings.ADMISSION_ALLOWED_CLIENTS,
            RelaySettings.ADMISSION_VERIFY_URL);

    public AdmissionPolicy {
        allowedClients = Set.copyOf(allowedClients);
        deniedClients = Set.copyOf(deniedClients);
    }

    static AdmissionPolicy of(ResultantPolicy policy) {
        return new AdmissionPolicy(policy.value(RelaySettings.ADMISSION_VERIFY_URL),
                policy.value(RelaySettings.ADMISSION_VERIFY_URL_ALLOW_HTTP),
                policy.value(RelaySettings.ADMISSION_VERIFY_URL_FAIL_OPEN),
                Set.copyOf(policy.value(RelaySettings.ADMISSION_ALLOWED_CLIENTS)),
                Set.copyOf(policy.value(RelaySettings.ADMISSION_DENIED_CLIENTS)),
                policy.value(RelaySettings.ADMISSION_ACCEPT_RATE_PER_SECOND),
                policy.value(RelaySettings.ADMISSION_ACCEPT_BURST),
                policyError(policy));
    }

    private static String policyError(ResultantPolicy policy) {
        for (SettingDefinition<?> definition : FAIL_CLOSED_ON_ERROR) {
            Effective<?> effective = policy.effective(definition);
            if (effective.error() != null) {
                return definition.key() + ": " + effective.error().message();
            }
        }
        return "";
    }

    /** Whether the webhook may be called at its URL's scheme (https, or http when allowed). */
    public boolean webhookSchemeAllowed() {
        return RelaySettings.webhookSchemeAllowed(verifyUrl, verifyUrlAllowHttp);
    }

    /** The lists' verdict for a node key ({@code nodekey:<hex>}): denied wins; a non-empty allow list is exclusive. */
    public boolean listsAdmit(String nodeKey) {
        if (deniedClients.contains(nodeKey)) {
            return false;
        }
        return allowedClients.isEmpty() || allowedClients.contains(nodeKey);
    }
}

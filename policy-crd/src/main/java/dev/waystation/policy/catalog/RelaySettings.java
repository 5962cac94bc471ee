package dev.waystation.policy.catalog;

import java.util.List;

import dev.waystation.policy.setting.ScopeKind;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingRegistry;
import dev.waystation.policy.setting.SettingType;
import dev.waystation.policy.setting.ValueRules;

/**
 * The relay's setting catalog. Region-wide settings are Profile kind (configurable for the fleet or
 * one DerpRegion); per-client settings are User kind (configurable down to one node key). Defaults
 * match {@code derper}'s flag defaults where derper has the setting, except that the admission webhook
 * fails closed (Waystation's choice: an unreachable controller must not open the relay to everyone).
 */
public final class RelaySettings {

    /** Unsigned integer settings use 0 for "no limit". */
    public static final long UNLIMITED = 0L;

    public static final SettingDefinition<Boolean> STUN_ENABLED = SettingDefinition.of("STUN.Enabled",
            ScopeKind.PROFILE, SettingType.BOOLEAN, true, "Answer STUN binding requests on the STUN port.");
    public static final SettingDefinition<Boolean> STUN_ANSWER_ALL_CLIENTS = SettingDefinition.of(
            "STUN.AnswerAllClients", ScopeKind.PROFILE, SettingType.BOOLEAN, false,
            "Also answer plain RFC 5389/8489 binding requests from non-Tailscale STUN clients (derper never does).");
    public static final SettingDefinition<List<String>> DEBUG_ALLOWED_CIDRS = SettingDefinition.of(
            "Debug.AllowedCIDRs", ScopeKind.PROFILE, SettingType.STRING_LIST, List.of(),
            "Networks (CIDRs) allowed to reach /debug on the management port besides 127.0.0.1 and ::1.")
            .withRule(ValueRules.cidrs());
    public static final SettingDefinition<String> ADMISSION_VERIFY_URL = SettingDefinition.of(
            "Admission.VerifyURL", ScopeKind.PROFILE, SettingType.STRING, "",
            "Admission controller URL (https) asked to admit each client (derper --verify-client-url); empty: none.")
            .withRule(ValueRules.webhookUrl());
    public static final SettingDefinition<Boolean> ADMISSION_VERIFY_URL_ALLOW_HTTP = SettingDefinition.of(
            "Admission.VerifyURLAllowHTTP", ScopeKind.PROFILE, SettingType.BOOLEAN, false,
            "Allow a plain http:// Admission.VerifyURL (for a webhook inside the cluster); off: https only.");
    public static final SettingDefinition<Boolean> ADMISSION_VERIFY_URL_FAIL_OPEN = SettingDefinition.of(
            "Admission.VerifyURLFailOpen", ScopeKind.PROFILE, SettingType.BOOLEAN, false,
            "Admit clients when the admission URL is unreachable; fail-closed unless set (derper defaults to open).");
    public static final SettingDefinition<List<String>> ADMISSION_ALLOWED_CLIENTS = SettingDefinition.of(
            "Admission.AllowedClients", ScopeKind.PROFILE, SettingType.STRING_LIST, List.of(),
            "Node keys (nodekey:<hex>) admitted; empty admits every client not denied.")
            .withRule(ValueRules.nodeKeys());
    public static final SettingDefinition<List<String>> ADMISSION_DENIED_CLIENTS = SettingDefinition.of(
            "Admission.DeniedClients", ScopeKind.PROFILE, SettingType.STRING_LIST, List.of(),
            "Node keys (nodekey:<hex>) refused; wins over AllowedClients.")
            .withRule(ValueRules.nodeKeys());
    public static final SettingDefinition<Long> ADMISSION_ACCEPT_RATE_PER_SECOND = SettingDefinition.of(
            "Admission.AcceptRatePerSecond", ScopeKind.PROFILE, SettingType.UNSIGNED_INTEGER, UNLIMITED,
            "New connections accepted per second (derper --accept-connection-limit); 0: unlimited.");
    public static final SettingDefinition<Long> ADMISSION_ACCEPT_BURST = SettingDefinition.of(
            "Admission.AcceptBurst", ScopeKind.PROFILE, SettingType.UNSIGNED_INTEGER, UNLIMITED,
            "Connections accepted in a burst above the rate (derper --accept-connection-burst); 0: unlimited.");
    public static final SettingDefinition<Boolean> CLIENT_ALLOWED = SettingDefinition.of("Client.Allowed",
            ScopeKind.USER, SettingType.BOOLEAN, true, "Whether this client may connect at all.");
    public static final SettingDefinition<Long> CLIENT_RATE_LIMIT_BYTES_PER_SECOND = SettingDefinition.of(
            "Client.RateLimitBytesPerSecond", ScopeKind.USER, SettingType.UNSIGNED_INTEGER, UNLIMITED,
            "Bytes per second this client may send through the relay; 0: unlimited.");
    public static final SettingDefinition<Long> CLIENT_RATE_BURST_BYTES = SettingDefinition.of(
            "Client.RateBurstBytes", ScopeKind.USER, SettingType.UNSIGNED_INTEGER, UNLIMITED,
            "Bytes this client may send in a burst above its rate; 0: one second's worth of the rate.");

    private static final List<SettingDefinition<?>> ALL = List.of(STUN_ENABLED, STUN_ANSWER_ALL_CLIENTS,
            DEBUG_ALLOWED_CIDRS, ADMISSION_VERIFY_URL, ADMISSION_VERIFY_URL_ALLOW_HTTP, ADMISSION_VERIFY_URL_FAIL_OPEN,
            ADMISSION_ALLOWED_CLIENTS, ADMISSION_DENIED_CLIENTS, ADMISSION_ACCEPT_RATE_PER_SECOND, ADMISSION_ACCEPT_BURST, CLIENT_ALLOWED,
            CLIENT_RATE_LIMIT_BYTES_PER_SECOND, CLIENT_RATE_BURST_BYTES);

    private RelaySettings() {
    }

    /**
     * Whether the relay may call {@code verifyUrl}: https always, plain http only when
     * {@code Admission.VerifyURLAllowHTTP} is on (the two may come from different sources, so this
     * is decided on the resultant policy, not per value).
     */
    public static boolean webhookSchemeAllowed(String verifyUrl, boolean allowHttp) {
        String lower = verifyUrl.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("https://") || allowHttp && lower.startsWith("http://");
    }

    /** Every relay setting, in catalog order. */
    public static List<SettingDefinition<?>> all() {
        return ALL;
    }

    /** A fresh registry holding the relay catalog (more definitions may be added before first use). */
    public static SettingRegistry registry() {
        return SettingRegistry.of(ALL);
    }
}

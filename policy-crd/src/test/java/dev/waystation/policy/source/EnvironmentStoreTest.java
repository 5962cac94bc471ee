package dev.waystation.policy.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.ScopeKind;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingKey;
import dev.waystation.policy.setting.SettingType;

/** Tailscale's key-to-variable-name table (acronyms, digits, separators) with Waystation's prefix and dot rule. */
class EnvironmentStoreTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tailnet|TAILNET",
        "AuthKey|AUTH_KEY",
        "ManagedByOrganizationName|MANAGED_BY_ORGANIZATION_NAME",
        "UPPERCASE|UPPERCASE",
        "DNSServer|DNS_SERVER",
        "ExitNodeAllowLANAccess|EXIT_NODE_ALLOW_LAN_ACCESS",
        "ExitNodeID|EXIT_NODE_ID",
        "0TestKey|0_TEST_KEY",
        "64TestKey|64_TEST_KEY",
        "Test0Key|TEST_0_KEY",
        "TestKey64|TEST_KEY_64",
        "Key/Subkey|KEY_SUBKEY",
        "Root/Level1/Level2|ROOT_LEVEL_1_LEVEL_2",
        "Network/DNSServer/IPAddress|NETWORK_DNS_SERVER_IP_ADDRESS",
        "STUN.Enabled|STUN__ENABLED",
        "STUN.AnswerAllClients|STUN__ANSWER_ALL_CLIENTS",
        "Debug.AllowedCIDRs|DEBUG__ALLOWED_CIDRS",
        "Admission.VerifyURLFailOpen|ADMISSION__VERIFY_URL_FAIL_OPEN",
        "Client.RateLimitBytesPerSecond|CLIENT__RATE_LIMIT_BYTES_PER_SECOND",
    })
    void keysMapToVariableNames(String key, String suffix) {
        assertThat(EnvironmentStore.variableName(SettingKey.of(key))).isEqualTo("WAYSTATION_POLICY_" + suffix);
    }

    @Test
    void everyCatalogKeyHasItsOwnVariable() {
        assertThat(RelaySettings.all().stream().map(d -> EnvironmentStore.variableName(d.key())).distinct())
                .hasSize(RelaySettings.all().size());
    }

    @Test
    void readsTextByTheSettingsType() throws Exception {
        EnvironmentStore store = new EnvironmentStore(Map.of(
                "WAYSTATION_POLICY_STUN__ENABLED", "false",
                "WAYSTATION_POLICY_STUN__ANSWER_ALL_CLIENTS", "",
                "WAYSTATION_POLICY_ADMISSION__VERIFY_URL", "",
                "WAYSTATION_POLICY_ADMISSION__DENIED_CLIENTS", "nodekey:a,\t,,   ,nodekey:b",
                "WAYSTATION_POLICY_ADMISSION__ALLOWED_CLIENTS", " \t  ",
                "WAYSTATION_POLICY_ADMISSION__ACCEPT_BURST", "010",
                "WAYSTATION_POLICY_X__WAIT", "1m30s"));
        assertThat(store.read(RelaySettings.STUN_ENABLED, PolicyLevel.MANDATORY)).contains("false");
        assertThat(store.read(RelaySettings.STUN_ENABLED, PolicyLevel.RECOMMENDED)).isEmpty();
        assertThat(store.read(RelaySettings.STUN_ANSWER_ALL_CLIENTS, PolicyLevel.MANDATORY)).isEmpty();
        assertThat(store.read(RelaySettings.ADMISSION_VERIFY_URL, PolicyLevel.MANDATORY)).contains("");
        assertThat(store.read(RelaySettings.ADMISSION_DENIED_CLIENTS, PolicyLevel.MANDATORY))
                .contains(List.of("nodekey:a", "nodekey:b"));
        assertThat(store.read(RelaySettings.ADMISSION_ALLOWED_CLIENTS, PolicyLevel.MANDATORY)).contains(List.of());
        assertThat(store.read(RelaySettings.CLIENT_ALLOWED, PolicyLevel.MANDATORY)).isEmpty();
        // Decimal only: unlike Go's ParseUint base 0, "010" is ten.
        assertThat(RelaySettings.ADMISSION_ACCEPT_BURST.coerce(
                store.read(RelaySettings.ADMISSION_ACCEPT_BURST, PolicyLevel.MANDATORY).orElseThrow())).isEqualTo(10L);
        SettingDefinition<Duration> wait = SettingDefinition.of("X.Wait", ScopeKind.DEVICE, SettingType.DURATION,
                Duration.ZERO, "");
        assertThat(wait.coerce(store.read(wait, PolicyLevel.MANDATORY).orElseThrow())).isEqualTo(Duration.ofSeconds(90));
    }
}

package dev.waystation.policy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.waystation.policy.setting.ScopeKind;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingRegistry;

class RelaySettingsTest {

    @Test
    void catalogHasTheThirteenRelaySettingsWithoutConflicts() {
        SettingRegistry registry = RelaySettings.registry();
        assertThat(registry.conflicts()).isEmpty();
        assertThat(registry.definitions()).extracting(d -> d.key().name()).containsExactly("STUN.Enabled",
                "STUN.AnswerAllClients", "Debug.AllowedCIDRs", "Admission.VerifyURL", "Admission.VerifyURLAllowHTTP",
                "Admission.VerifyURLFailOpen",
                "Admission.AllowedClients", "Admission.DeniedClients", "Admission.AcceptRatePerSecond",
                "Admission.AcceptBurst", "Client.Allowed", "Client.RateLimitBytesPerSecond", "Client.RateBurstBytes");
    }

    @Test
    void clientSettingsAreUserKindAndTheRestProfileKind() {
        for (SettingDefinition<?> definition : RelaySettings.all()) {
            ScopeKind expected = definition.key().name().startsWith("Client.") ? ScopeKind.USER : ScopeKind.PROFILE;
            assertThat(definition.scope()).as(definition.toString()).isEqualTo(expected);
            assertThat(definition.description()).as(definition.toString()).isNotBlank().doesNotContain("\n");
            assertThat(definition.type().javaType()).isAssignableFrom(definition.defaultValue().getClass());
        }
    }

    @Test
    void defaultsMatchDerperExceptTheWebhookFailsClosed() {
        assertThat(RelaySettings.ADMISSION_VERIFY_URL_FAIL_OPEN.defaultValue()).isFalse();
        assertThat(RelaySettings.STUN_ANSWER_ALL_CLIENTS.defaultValue()).isFalse();
        assertThat(RelaySettings.DEBUG_ALLOWED_CIDRS.defaultValue()).isEmpty();
        assertThat(RelaySettings.ADMISSION_VERIFY_URL.defaultValue()).isEmpty();
        assertThat(RelaySettings.STUN_ENABLED.defaultValue()).isTrue();
        assertThat(RelaySettings.ADMISSION_ACCEPT_RATE_PER_SECOND.defaultValue()).isEqualTo(RelaySettings.UNLIMITED);
    }
}

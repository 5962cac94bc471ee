package dev.waystation.policy.setting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Spec policy.md 1.1-1.3 and 8.5.11: text form, parsing, containment, configurability. */
class PolicyScopeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Device|Device",
        "device|Device",
        "Profile|Profile",
        "PROFILE(eu-west)|Profile(eu-west)",
        "User|User",
        "user(nodekey:ab12)|User(nodekey:ab12)",
        "Profile(p)/User(u)|Profile(p)/User(u)",
        "Profile/User|User",
        "Profile(a(b))|Profile(a(b))",
    })
    void parsesAndPrintsTheTextForm(String text, String printed) {
        PolicyScope scope = PolicyScope.parse(text);
        assertThat(scope.toString()).isEqualTo(printed);
        assertThat(PolicyScope.parse(printed)).isEqualTo(scope);
    }

    @Test
    void profileSlashUserIsTheCurrentUserScope() {
        assertThat(PolicyScope.parse("Profile/User")).isEqualTo(PolicyScope.CURRENT_USER);
        assertThat(PolicyScope.parse("Device")).isEqualTo(PolicyScope.DEVICE);
        assertThat(PolicyScope.CURRENT_USER).isNotEqualTo(PolicyScope.user("x"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|\"\" is not a valid scope",
        "User(1234|missing ')' in scope \"User(1234\"",
        "Device(123)|the device scope must not have an ID: \"Device(123)\"",
        "(1234)|\"\" is not a valid scope",
        "Machine|\"Machine\" is not a valid scope",
        "User/Profile|invalid scope hierarchy: \"User/Profile\"",
        "Device/Device|invalid scope hierarchy: \"Device/Device\"",
        "Device/Profile/User|\"Profile/User\" is not a valid scope",
        "Profile(a)x|unexpected text after ')' in scope \"Profile(a)x\"",
    })
    void rejectsMalformedTextWithAPreciseMessage(String text, String message) {
        assertThatThrownBy(() -> PolicyScope.parse(text)).isInstanceOf(ScopeParseException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Device|Device|true|false",
        "Device|Profile|true|true",
        "Device|User(x)|true|true",
        "Profile|Device|false|false",
        "Profile|Profile|true|false",
        "Profile|User|true|true",
        "User|Device|false|false",
        "User|Profile|false|false",
        "User|User|true|false",
        "User(1234)|User(1234)|true|false",
        "User(1234)|User(5678)|false|false",
        "Profile(A)|Profile(A)/User(1234)|true|true",
        "Profile(A)|Profile(B)/User(1234)|false|false",
        "User(1234)|Profile(A)/User(1234)|true|true",
        "User(1234)|Profile(A)/User(5678)|false|false",
        "Profile|User(x)|true|true",
        "User|User(x)|false|false",
        "Profile(eu)|User(nodekey:1)|false|false",
    })
    void containsFollowsTheSpecTable(String a, String b, boolean contains, boolean strictly) {
        assertThat(PolicyScope.parse(a).contains(PolicyScope.parse(b))).isEqualTo(contains);
        assertThat(PolicyScope.parse(a).strictlyContains(PolicyScope.parse(b))).isEqualTo(strictly);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Device|DEVICE|true|true",
        "Device|PROFILE|false|true",
        "Device|USER|false|true",
        "Profile|DEVICE|true|false",
        "Profile|PROFILE|true|true",
        "Profile|USER|false|true",
        "User|DEVICE|true|false",
        "User|PROFILE|true|false",
        "User|USER|true|true",
    })
    void applicableAndConfigurableFollowTheSpecTable(String scope, ScopeKind settingKind, boolean applicable,
            boolean configurable) {
        SettingDefinition<Boolean> definition = SettingDefinition.of("K", settingKind, SettingType.BOOLEAN, true, "");
        assertThat(PolicyScope.parse(scope).isApplicable(definition)).isEqualTo(applicable);
        assertThat(PolicyScope.parse(scope).isConfigurable(definition)).isEqualTo(configurable);
        assertThat(PolicyScope.parse(scope).isConfigurable(null)).isFalse();
    }
}

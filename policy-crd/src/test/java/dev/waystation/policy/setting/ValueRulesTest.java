package dev.waystation.policy.setting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;

/** The catalog's semantic rules, through the definitions that carry them (as every store and validator does). */
class ValueRulesTest {

    private static final String KEY = "nodekey:" + "ab".repeat(32);

    @Test
    void nodeKeysAreNormalisedToLowerCase() throws Exception {
        assertThat(RelaySettings.ADMISSION_DENIED_CLIENTS.coerce(List.of("nodekey:" + "AB".repeat(32), KEY)))
                .containsExactly(KEY, KEY);
    }

    @Test
    void aBadNodeKeyIsRejectedNamingTheElement() {
        assertThatThrownBy(() -> RelaySettings.ADMISSION_ALLOWED_CLIENTS.coerce(List.of(KEY, "nodekey:TYPO")))
                .isInstanceOf(SettingValueException.class)
                .hasMessage("element [1]: \"nodekey:TYPO\" is not a node key: want \"nodekey:\" and 64 hex digits");
        assertThatThrownBy(() -> RelaySettings.ADMISSION_DENIED_CLIENTS.coerce(List.of("ab".repeat(32))))
                .hasMessageContaining("element [0]");
        // Non-ASCII digits are not hex, whatever Character.digit thinks.
        assertThatThrownBy(() -> RelaySettings.ADMISSION_DENIED_CLIENTS.coerce(
                List.of("nodekey:" + "\u0661".repeat(64)))).hasMessageContaining("is not a node key");
    }

    @Test
    void cidrsAreCheckedWithTheRelaysParser() throws Exception {
        assertThat(RelaySettings.DEBUG_ALLOWED_CIDRS.coerce(List.of("10.0.0.0/8", "fd00::/8", "192.0.2.1")))
                .containsExactly("10.0.0.0/8", "fd00::/8", "192.0.2.1");
        assertThatThrownBy(() -> RelaySettings.DEBUG_ALLOWED_CIDRS.coerce(List.of("10.0.0.0/8", "not-a-cidr")))
                .hasMessage("element [1]: invalid CIDR \"not-a-cidr\": expected an IP address or address/bits");
        assertThatThrownBy(() -> RelaySettings.DEBUG_ALLOWED_CIDRS.coerce(List.of("10.0.0.0/33")))
                .hasMessageContaining("prefix length must be 0..32");
    }

    @Test
    void webhookUrlsMustBeAbsoluteHttpOrHttps() throws Exception {
        assertThat(RelaySettings.ADMISSION_VERIFY_URL.coerce("")).isEmpty();
        assertThat(RelaySettings.ADMISSION_VERIFY_URL.coerce("https://headscale.example/verify"))
                .isEqualTo("https://headscale.example/verify");
        assertThat(RelaySettings.ADMISSION_VERIFY_URL.coerce("http://127.0.0.1:8080/verify"))
                .isEqualTo("http://127.0.0.1:8080/verify");
        assertThatThrownBy(() -> RelaySettings.ADMISSION_VERIFY_URL.coerce("not a url"))
                .hasMessageStartingWith("invalid URL \"not a url\"");
        assertThatThrownBy(() -> RelaySettings.ADMISSION_VERIFY_URL.coerce("ftp://host/verify"))
                .hasMessageContaining("want an absolute https:// URL");
        assertThatThrownBy(() -> RelaySettings.ADMISSION_VERIFY_URL.coerce("https:///verify"))
                .hasMessageContaining("no host");
    }

    @Test
    void plainHttpNeedsTheFlag() {
        assertThat(RelaySettings.webhookSchemeAllowed("https://a/verify", false)).isTrue();
        assertThat(RelaySettings.webhookSchemeAllowed("HTTP://a/verify", false)).isFalse();
        assertThat(RelaySettings.webhookSchemeAllowed("http://a/verify", true)).isTrue();
        assertThat(RelaySettings.webhookSchemeAllowed("ftp://a/verify", true)).isFalse();
    }

    @Test
    void durationsCanBeBounded() throws Exception {
        ValueRule<Duration> rule = ValueRules.durationBetween(Duration.ofSeconds(1), Duration.ofMinutes(1));
        assertThat(rule.check(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> rule.check(Duration.ofMillis(10))).hasMessage("duration 10ms is out of range 1s..1m0s");
    }

    @Test
    void aRuleFailureIsAnInvalidValueNotATypeMismatch() {
        assertThatThrownBy(() -> RelaySettings.ADMISSION_DENIED_CLIENTS.coerce(List.of("x")))
                .satisfies(e -> assertThat(SettingError.of((SettingValueException) e).code())
                        .isEqualTo(ErrorCode.INVALID_VALUE));
    }
}

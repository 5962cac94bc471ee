package dev.waystation.policy.setting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingTypeTest {

    @Test
    void booleansAcceptJsonBooleansAndGoSpellings() throws Exception {
        assertThat(SettingType.BOOLEAN.coerce(true)).isTrue();
        assertThat(SettingType.BOOLEAN.coerce("T")).isTrue();
        assertThat(SettingType.BOOLEAN.coerce("0")).isFalse();
        assertThatThrownBy(() -> SettingType.BOOLEAN.coerce("yes"))
                .hasMessage("type mismatch: want a boolean, got string \"yes\"");
        assertThatThrownBy(() -> SettingType.BOOLEAN.coerce(1L)).hasMessage("type mismatch: want a boolean, got number 1");
    }

    @Test
    void unsignedIntegersRejectNegativesFractionsAndOverflow() throws Exception {
        assertThat(SettingType.UNSIGNED_INTEGER.coerce(5)).isEqualTo(5L);
        assertThat(SettingType.UNSIGNED_INTEGER.coerce("42")).isEqualTo(42L);
        assertThat(SettingType.UNSIGNED_INTEGER.coerce(new BigDecimal("7.0"))).isEqualTo(7L);
        assertThat(SettingType.UNSIGNED_INTEGER.coerce(BigInteger.valueOf(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> SettingType.UNSIGNED_INTEGER.coerce(-1L)).hasMessageContaining("negative");
        assertThatThrownBy(() -> SettingType.UNSIGNED_INTEGER.coerce(new BigDecimal("1.5")))
                .hasMessageContaining("fraction");
        assertThatThrownBy(() -> SettingType.UNSIGNED_INTEGER.coerce(new BigInteger("18446744073709551615")))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> SettingType.UNSIGNED_INTEGER.coerce("-20")).hasMessageStartingWith("type mismatch");
    }

    @Test
    void stringsAreStrictAndEmptyIsAValue() throws Exception {
        assertThat(SettingType.STRING.coerce("")).isEmpty();
        assertThatThrownBy(() -> SettingType.STRING.coerce(3L)).hasMessage("type mismatch: want a string, got number 3");
    }

    @Test
    void stringListsNeedStringElements() throws Exception {
        assertThat(SettingType.STRING_LIST.coerce(List.of())).isEmpty();
        assertThat(SettingType.STRING_LIST.coerce(List.of("a", "b"))).containsExactly("a", "b");
        assertThatThrownBy(() -> SettingType.STRING_LIST.coerce(Arrays.asList("a", 1L)))
                .hasMessage("type mismatch: element [1] is number 1, want a string");
        assertThatThrownBy(() -> SettingType.STRING_LIST.coerce("a,b")).hasMessageStartingWith("type mismatch");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0|PT0S|0s",
        "5s|PT5S|5s",
        "300ms|PT0.3S|300ms",
        "1.5h|PT1H30M|1h30m0s",
        "2h|PT2H|2h0m0s",
        "1m30s|PT1M30S|1m30s",
        "1500us|PT0.0015S|1.5ms",
        "2µs|PT0.000002S|2µs",
        "7ns|PT0.000000007S|7ns",
        "+1h2m3.5s|PT1H2M3.5S|1h2m3.5s",
    })
    void durationsUseGoSyntax(String text, String iso, String formatted) throws Exception {
        assertThat(SettingType.DURATION.coerce(text)).isEqualTo(Duration.parse(iso));
        assertThat(DurationText.format(Duration.parse(iso))).isEqualTo(formatted);
        assertThat(SettingType.DURATION.toJsonUnchecked(Duration.parse(iso))).isEqualTo(formatted);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "soon|time: invalid duration \"soon\"",
        "-20|time: missing unit in duration \"-20\"",
        "5d|time: unknown unit \"d\" in duration \"5d\"",
        "''|time: invalid duration \"\"",
        "1..5s|time: invalid duration \"1..5s\"",
        "-5s|negative duration \"-5s\" is not allowed",
    })
    void badDurationsSayWhy(String text, String message) {
        assertThatThrownBy(() -> SettingType.DURATION.coerce(text)).isInstanceOf(SettingValueException.class)
                .hasMessage(message);
    }

    @Test
    void errorsCarryACode() {
        SettingError mismatch = SettingError.of(new SettingValueException("type mismatch: want x"));
        SettingError invalid = SettingError.of(new SettingValueException("time: invalid duration \"x\""));
        assertThat(mismatch.code()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_VALUE);
    }
}

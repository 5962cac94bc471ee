package dev.waystation.policy.setting;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;

/** The five concrete {@link SettingType}s. */
final class SettingTypes {

    private SettingTypes() {
    }

    static final class Bool extends SettingType<Boolean> {
        Bool() {
            super("Boolean", Boolean.class, "a boolean");
        }

        @Override
        public Boolean coerce(Object raw) throws SettingValueException {
            if (raw instanceof Boolean b) {
                return b;
            }
            // Text comes from environment variables; Go's strconv.ParseBool spellings.
            if (raw instanceof String s) {
                switch (s) {
                    case "1", "t", "T", "true", "TRUE", "True":
                        return Boolean.TRUE;
                    case "0", "f", "F", "false", "FALSE", "False":
                        return Boolean.FALSE;
                    default:
                        break;
                }
            }
            throw mismatch(raw);
        }
    }

    static final class Text extends SettingType<String> {
        Text() {
            super("String", String.class, "a string");
        }

        @Override
        public String coerce(Object raw) throws SettingValueException {
            if (raw instanceof String s) {
                return s;
            }
            throw mismatch(raw);
        }
    }

    static final class UnsignedInteger extends SettingType<Long> {
        UnsignedInteger() {
            super("UnsignedInteger", Long.class, "an unsigned integer");
        }

        @Override
        public Long coerce(Object raw) throws SettingValueException {
            if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
                return unsigned(BigInteger.valueOf(((Number) raw).longValue()), raw);
            }
            if (raw instanceof BigInteger big) {
                return unsigned(big, raw);
            }
            if (raw instanceof BigDecimal || raw instanceof Double || raw instanceof Float) {
                BigDecimal decimal = new BigDecimal(raw.toString());
                try {
                    return unsigned(decimal.toBigIntegerExact(), raw);
                } catch (ArithmeticException fraction) {
                    throw new SettingValueException("type mismatch: want an unsigned integer, got fraction "
                            + describe(raw));
                }
            }
            if (raw instanceof String s && !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return unsigned(new BigInteger(s), raw);
            }
            throw mismatch(raw);
        }
    }

    static final class GoDuration extends SettingType<Duration> {
        GoDuration() {
            super("Duration", Duration.class, "a duration string such as \"5s\"");
        }

        @Override
        public Duration coerce(Object raw) throws SettingValueException {
            if (raw instanceof Duration d) {
                return d;
            }
            if (raw instanceof String s) {
                Duration parsed = DurationText.parse(s);
                if (parsed.isNegative()) {
                    throw new SettingValueException("negative duration \"" + s + "\" is not allowed");
                }
                return parsed;
            }
            throw mismatch(raw);
        }

        @Override
        public Object toJson(Duration value) {
            return DurationText.format(value);
        }
    }

    static final class StringList extends SettingType<List<String>> {
        StringList() {
            super("StringList", List.class, "a list of strings");
        }

        @Override
        public List<String> coerce(Object raw) throws SettingValueException {
            if (raw == null) {
                return List.of();
            }
            if (raw instanceof List<?> list) {
                return stringList(list);
            }
            throw mismatch(raw);
        }
    }
}

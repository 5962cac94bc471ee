package dev.waystation.policy.setting;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A setting's value type and how raw values (from JSON/YAML documents or environment text) become
 * typed Java values: {@link Boolean}, {@link String}, {@link Long} (unsigned, 0 to 2^63-1),
 * {@link Duration} (Go syntax, e.g. {@code 1m30s}), immutable {@code List<String>}.
 *
 * @param <T> the Java type of values
 */
public abstract sealed class SettingType<T> permits SettingTypes.Bool, SettingTypes.Text,
        SettingTypes.UnsignedInteger, SettingTypes.GoDuration, SettingTypes.StringList {

    public static final SettingType<Boolean> BOOLEAN = new SettingTypes.Bool();
    public static final SettingType<String> STRING = new SettingTypes.Text();
    public static final SettingType<Long> UNSIGNED_INTEGER = new SettingTypes.UnsignedInteger();
    public static final SettingType<Duration> DURATION = new SettingTypes.GoDuration();
    public static final SettingType<List<String>> STRING_LIST = new SettingTypes.StringList();

    private final String name;
    private final Class<?> javaType;
    private final String wanted;

    SettingType(String name, Class<?> javaType, String wanted) {
        this.name = name;
        this.javaType = javaType;
        this.wanted = wanted;
    }

    /** {@code Boolean}, {@code String}, {@code UnsignedInteger}, {@code Duration}, {@code StringList}. */
    public String name() {
        return name;
    }

    public Class<?> javaType() {
        return javaType;
    }

    /**
     * The typed value of {@code raw}: already typed values pass, JSON/YAML shapes and text are
     * converted, anything else is rejected with a message naming what was found.
     */
    public abstract T coerce(Object raw) throws SettingValueException;

    /** The value as JSON-friendly data: durations as Go text, everything else as is. */
    public Object toJson(T value) {
        return value;
    }

    @SuppressWarnings("unchecked")
    public Object toJsonUnchecked(Object value) {
        return value == null ? null : toJson((T) value);
    }

    SettingValueException mismatch(Object raw) {
        return new SettingValueException("type mismatch: want " + wanted + ", got " + describe(raw));
    }

    static String describe(Object raw) {
        if (raw == null) {
            return "null";
        }
        if (raw instanceof String s) {
            return "string \"" + s + "\"";
        }
        if (raw instanceof Boolean b) {
            return "boolean " + b;
        }
        if (raw instanceof Number n) {
            return "number " + n;
        }
        if (raw instanceof List<?>) {
            return "a list";
        }
        if (raw instanceof java.util.Map<?, ?>) {
            return "an object";
        }
        return raw.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + raw;
    }

    static Long unsigned(BigInteger value, Object raw) throws SettingValueException {
        if (value.signum() < 0) {
            throw new SettingValueException("type mismatch: want an unsigned integer, got negative " + describe(raw));
        }
        if (value.bitLength() > 63) {
            throw new SettingValueException("value out of range: " + describe(raw) + " exceeds " + Long.MAX_VALUE);
        }
        return value.longValue();
    }

    static List<String> stringList(List<?> raw) throws SettingValueException {
        List<String> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            if (!(raw.get(i) instanceof String s)) {
                throw new SettingValueException("type mismatch: element [" + i + "] is " + describe(raw.get(i))
                        + ", want a string");
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return name;
    }
}

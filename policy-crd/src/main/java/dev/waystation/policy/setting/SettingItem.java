package dev.waystation.policy.setting;

import java.util.Objects;

/**
 * One setting's state in a snapshot: a typed value or an error (never both), where it came from,
 * and at which level it was stated. An error item still takes part in precedence: it masks
 * lower-precedence values, and readers then get the default.
 */
public record SettingItem(Object value, SettingError error, Origin origin, PolicyLevel level) {

    public SettingItem {
        if ((value == null) == (error == null)) {
            throw new IllegalArgumentException("an item holds exactly one of a value and an error");
        }
        Objects.requireNonNull(level, "level");
    }

    public static SettingItem value(Object value, Origin origin, PolicyLevel level) {
        return new SettingItem(Objects.requireNonNull(value, "value"), null, origin, level);
    }

    public static SettingItem error(SettingError error, Origin origin, PolicyLevel level) {
        return new SettingItem(null, Objects.requireNonNull(error, "error"), origin, level);
    }

    public boolean isError() {
        return error != null;
    }

    /** The value alone, ignoring origin and level: what {@code hasValueChanged} compares. */
    public boolean sameValueAs(SettingItem other) {
        return other != null && Objects.equals(value, other.value);
    }

    /** {@code value - origin} or {@code Error{"text"} - origin}. */
    @Override
    public String toString() {
        String head = error != null ? "Error{\"" + error.message() + "\"}" : String.valueOf(value);
        return origin == null ? head : head + " - " + origin + " " + level;
    }
}

package dev.waystation.policy.setting;

import java.util.Objects;

/**
 * A setting's stable name, for example {@code STUN.Enabled}. Letters and digits, grouped by
 * {@code .} (a category) or {@code /} (a path); no empty groups.
 */
public record SettingKey(String name) implements Comparable<SettingKey> {

    public SettingKey {
        Objects.requireNonNull(name, "name");
        String problem = problemWith(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    public static SettingKey of(String name) {
        return new SettingKey(name);
    }

    /** Why {@code name} is not a valid key, or null when it is. */
    public static String problemWith(String name) {
        if (name.isEmpty()) {
            return "a setting key must not be empty";
        }
        char previous = '.';
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean separator = c == '.' || c == '/';
            boolean alphanumeric = c < 0x80 && Character.isLetterOrDigit(c);
            if (!separator && !alphanumeric) {
                return "setting key \"" + name + "\" must consist of ASCII letters, digits, '.' and '/'";
            }
            if (separator && (previous == '.' || previous == '/')) {
                return "setting key \"" + name + "\" has an empty group";
            }
            previous = c;
        }
        if (previous == '.' || previous == '/') {
            return "setting key \"" + name + "\" has an empty group";
        }
        return null;
    }

    @Override
    public int compareTo(SettingKey other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}

package dev.waystation.policy.setting;

import java.util.Objects;

/**
 * One setting as registered in a catalog: key, scope kind (the broadest scope it applies to and the
 * narrowest at which it may be configured), value type, default, a one-line description and the
 * semantic rule its values must pass ({@link ValueRule#none()} for none).
 *
 * @param <T> the Java type of its values
 */
public record SettingDefinition<T>(SettingKey key, ScopeKind scope, SettingType<T> type, T defaultValue,
        String description, ValueRule<T> rule) {

    public SettingDefinition {
        rule = rule == null ? ValueRule.none() : rule;
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        description = description == null ? "" : description;
    }

    public static <T> SettingDefinition<T> of(String key, ScopeKind scope, SettingType<T> type, T defaultValue,
            String description) {
        return new SettingDefinition<>(SettingKey.of(key), scope, type, defaultValue, description, null);
    }

    /** The same definition whose values must also pass {@code rule}. */
    public SettingDefinition<T> withRule(ValueRule<T> rule) {
        return new SettingDefinition<>(key, scope, type, defaultValue, description, rule);
    }

    /** Same key, scope, type and default: re-registering it is harmless. The description may differ. */
    public boolean isCompatibleWith(SettingDefinition<?> other) {
        return other != null && key.equals(other.key) && scope == other.scope && type == other.type
                && defaultValue.equals(other.defaultValue);
    }

    /** The typed value of a raw value in its normal form, after the type and the semantic rule. */
    public T coerce(Object raw) throws SettingValueException {
        return rule.check(type.coerce(raw));
    }

    /** {@code Device("STUN.Enabled", Boolean)}, the form error messages use. */
    @Override
    public String toString() {
        return scope.text() + "(\"" + key + "\", " + type.name() + ")";
    }
}

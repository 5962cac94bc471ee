package dev.waystation.policy.setting;

/**
 * A setting's semantic check beyond its type (a node key, a CIDR, a URL), applied to the typed value
 * by {@link SettingDefinition#coerce}: returns the value in its normal form or rejects it with a
 * message naming the offending element. The relay's stores and the operator's validator both go
 * through it, so a value means the same everywhere.
 *
 * @param <T> the Java type of the setting's values
 */
@FunctionalInterface
public interface ValueRule<T> {

    T check(T value) throws SettingValueException;

    /** Accepts every value of the type as it is. */
    static <T> ValueRule<T> none() {
        return value -> value;
    }
}

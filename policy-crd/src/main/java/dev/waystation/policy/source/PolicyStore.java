package dev.waystation.policy.source;

import java.util.Optional;

import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.SettingDefinition;

/**
 * Something that reads raw policy values by key. Must be safe for concurrent use.
 *
 * <p>Optional capabilities, detected by type: {@link ChangeNotifier} (the engine re-reads after a
 * notification), {@link LockableStore} (a shared read lock around a whole read pass, for a
 * consistent snapshot), {@link ExpirableStore} (the store tells when it must no longer be used) and
 * {@link AutoCloseable}. The registrant owns the store: the engine never closes it.
 */
public interface PolicyStore {

    /**
     * The raw value of {@code definition} at {@code level}: a {@code Boolean}, {@code String},
     * {@code Number}, {@code List} of strings or an already typed value; empty when not configured.
     * The store may use the definition's type to interpret text (the environment store does).
     *
     * @throws PolicyReadException when the value exists but cannot be read; that key then holds an
     *         error item, which masks lower-precedence values
     */
    Optional<Object> read(SettingDefinition<?> definition, PolicyLevel level) throws PolicyReadException;

    /**
     * A problem the store has while it keeps serving its last good content, for example the last
     * write of its file did not parse. Shown with the source; does not change any value.
     */
    default Optional<String> problem() {
        return Optional.empty();
    }
}

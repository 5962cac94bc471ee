package dev.waystation.policy.rsop;

import java.util.Set;

import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingItem;
import dev.waystation.policy.setting.SettingKey;
import dev.waystation.policy.setting.Snapshot;

/**
 * A change of one scope's resultant policy. {@code changedKeys} lists every key whose item differs
 * (value, error, origin or level), so it is never empty: missing↔error and error↔error transitions
 * count, unlike Tailscale's {@code HasChanged}.
 */
public record PolicyChange(PolicyScope scope, long generation, Snapshot oldSnapshot, Snapshot newSnapshot,
        Set<SettingKey> changedKeys) {

    public PolicyChange {
        changedKeys = Set.copyOf(changedKeys);
    }

    public boolean hasChanged(SettingKey key) {
        return changedKeys.contains(key);
    }

    public boolean hasChanged(SettingDefinition<?> definition) {
        return changedKeys.contains(definition.key());
    }

    public boolean hasChangedAnyOf(SettingDefinition<?>... definitions) {
        for (SettingDefinition<?> definition : definitions) {
            if (hasChanged(definition)) {
                return true;
            }
        }
        return false;
    }

    /** Only the effective value changed (ignores origins and error texts); a value↔error change counts. */
    public boolean hasValueChanged(SettingKey key) {
        SettingItem before = oldSnapshot.get(key);
        SettingItem after = newSnapshot.get(key);
        Object was = before == null ? null : before.value();
        Object is = after == null ? null : after.value();
        return !java.util.Objects.equals(was, is);
    }
}

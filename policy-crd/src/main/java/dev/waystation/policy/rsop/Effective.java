package dev.waystation.policy.rsop;

import dev.waystation.policy.setting.Origin;
import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingError;
import dev.waystation.policy.setting.SettingItem;

/**
 * One setting's effective state: its value (the default when unconfigured or when the winning item
 * is an error), where it came from, and the winning item's origin and error, if any.
 */
public record Effective<T>(SettingDefinition<T> definition, T value, Provenance provenance, Origin origin,
        SettingError error) {

    /** The effective state given the winning item (null when nothing is configured). */
    @SuppressWarnings("unchecked")
    static <T> Effective<T> of(SettingDefinition<T> definition, SettingItem item) {
        if (item == null) {
            return new Effective<>(definition, definition.defaultValue(), Provenance.DEFAULT, null, null);
        }
        if (item.isError()) {
            return new Effective<>(definition, definition.defaultValue(), Provenance.DEFAULT, item.origin(), item.error());
        }
        Provenance provenance = item.level() == PolicyLevel.MANDATORY ? Provenance.MANDATORY : Provenance.RECOMMENDED;
        return new Effective<>(definition, (T) item.value(), provenance, item.origin(), null);
    }

    public boolean isConfigured() {
        return provenance != Provenance.DEFAULT;
    }
}

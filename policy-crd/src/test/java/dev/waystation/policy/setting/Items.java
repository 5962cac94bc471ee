package dev.waystation.policy.setting;

import java.util.LinkedHashMap;
import java.util.Map;

/** Compact snapshot building for tests: {@code Items.of(origin, "k", v, "k2", v2)}. */
final class Items {

    private Items() {
    }

    static Snapshot of(PolicyScope scope, Origin origin, Object... keysAndValues) {
        Map<SettingKey, SettingItem> items = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Object value = keysAndValues[i + 1];
            items.put(SettingKey.of((String) keysAndValues[i]), value instanceof SettingError error
                    ? SettingItem.error(error, origin, PolicyLevel.MANDATORY)
                    : SettingItem.value(value, origin, PolicyLevel.MANDATORY));
        }
        return Snapshot.of(items, scope, origin);
    }

    static Snapshot plain(Object... keysAndValues) {
        return of(null, null, keysAndValues);
    }
}

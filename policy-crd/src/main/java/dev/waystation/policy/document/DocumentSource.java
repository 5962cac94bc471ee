package dev.waystation.policy.document;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.PolicyScope;

/**
 * One entry of a policy document: a named source at a scope with its raw mandatory and recommended
 * values (key as written -&gt; raw value: Boolean, String, Number, List, null, Map). Values are
 * checked against the catalog later, per key, so one bad value masks only its own key.
 *
 * @param priority within one scope kind the higher priority wins, then the name that sorts later
 *        (the engine's {@code SourcePrecedence}); document order never matters
 */
public record DocumentSource(String name, PolicyScope scope, int priority, Map<String, Object> mandatory,
        Map<String, Object> recommended) {

    public DocumentSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        mandatory = frozen(mandatory);
        recommended = frozen(recommended);
    }

    public Map<String, Object> values(PolicyLevel level) {
        return level == PolicyLevel.MANDATORY ? mandatory : recommended;
    }

    private static Map<String, Object> frozen(Map<String, Object> values) {
        return values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}

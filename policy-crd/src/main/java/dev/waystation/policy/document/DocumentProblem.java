package dev.waystation.policy.document;

import dev.waystation.policy.setting.PolicyLevel;

/**
 * A per-key problem in an otherwise well-formed document: an unknown key, a key that cannot be
 * configured at the source's scope, or a value of the wrong type. Only that key is affected.
 */
public record DocumentProblem(String source, PolicyLevel level, String key, String message) {

    /** {@code source: mandatory."Key": message}. */
    @Override
    public String toString() {
        return source + ": " + level.text() + ".\"" + key + "\": " + message;
    }
}

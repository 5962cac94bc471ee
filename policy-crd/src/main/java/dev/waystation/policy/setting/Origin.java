package dev.waystation.policy.setting;

import java.util.Objects;

/** The source (name and scope) that produced an item. */
public record Origin(String name, PolicyScope scope) {

    public Origin {
        name = name == null ? "" : name;
        Objects.requireNonNull(scope, "scope");
    }

    /** {@code name (scope)}, or just the scope when unnamed. */
    @Override
    public String toString() {
        return name.isEmpty() ? scope.toString() : name + " (" + scope + ")";
    }
}

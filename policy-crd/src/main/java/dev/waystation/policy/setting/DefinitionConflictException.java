package dev.waystation.policy.setting;

import java.util.List;

/** Two registrations of one key disagree on scope, type or default. Reported at startup. */
public final class DefinitionConflictException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> conflicts;

    public DefinitionConflictException(List<String> conflicts) {
        super(String.join("; ", conflicts));
        this.conflicts = List.copyOf(conflicts);
    }

    public List<String> conflicts() {
        return conflicts;
    }
}

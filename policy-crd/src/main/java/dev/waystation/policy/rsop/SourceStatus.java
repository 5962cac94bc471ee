package dev.waystation.policy.rsop;

import java.util.Optional;

import dev.waystation.policy.setting.PolicyScope;

/**
 * A registered source as the explain view shows it: the failure of its last read pass (its last
 * good snapshot stays in force) and the store's own problem text.
 */
public record SourceStatus(String name, PolicyScope scope, int priority, Optional<String> failure,
        Optional<String> problem) {

    public boolean healthy() {
        return failure.isEmpty() && problem.isEmpty();
    }
}

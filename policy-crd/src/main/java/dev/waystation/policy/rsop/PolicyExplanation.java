package dev.waystation.policy.rsop;

import java.util.List;

import dev.waystation.policy.setting.PolicyScope;

/**
 * Every registered setting of one scope's resultant policy, configured or not, and its sources.
 * {@code delivered} is the newest generation every change listener has handled: while it is below
 * {@code generation}, views built on the policy (and what reads them) still see the previous one.
 */
public record PolicyExplanation(PolicyScope scope, long generation, long delivered, List<SettingExplanation> settings,
        List<SourceStatus> sources) {

    public PolicyExplanation {
        settings = List.copyOf(settings);
        sources = List.copyOf(sources);
    }
}

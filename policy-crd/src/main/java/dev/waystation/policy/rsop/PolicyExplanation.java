package dev.waystation.policy.rsop;

import java.util.List;

import dev.waystation.policy.setting.PolicyScope;

/** Every registered setting of one scope's resultant policy, configured or not, and its sources. */
public record PolicyExplanation(PolicyScope scope, long generation, List<SettingExplanation> settings,
        List<SourceStatus> sources) {

    public PolicyExplanation {
        settings = List.copyOf(settings);
        sources = List.copyOf(sources);
    }
}

package dev.waystation.policy.rsop;

import java.util.List;

import dev.waystation.policy.setting.SettingItem;

/** One setting in the explain view: its effective state and every stated item, winner first. */
public record SettingExplanation(Effective<?> effective, List<SettingItem> candidates) {

    public SettingExplanation {
        candidates = List.copyOf(candidates);
    }

    /** Items the winner shadows. */
    public List<SettingItem> shadowed() {
        return candidates.isEmpty() ? List.of() : candidates.subList(1, candidates.size());
    }
}

package dev.waystation.policy.setting;

import java.util.Objects;

/**
 * What one source says: its mandatory and recommended items, both with the source's origin. A
 * failed read keeps the last good one; the failure travels beside it, never instead of it.
 */
public record SourceSnapshot(Origin origin, Snapshot mandatory, Snapshot recommended) {

    public SourceSnapshot {
        Objects.requireNonNull(origin, "origin");
        mandatory = mandatory == null ? Snapshot.EMPTY : mandatory;
        recommended = recommended == null ? Snapshot.EMPTY : recommended;
    }

    public static SourceSnapshot empty(Origin origin) {
        return new SourceSnapshot(origin, Snapshot.EMPTY, Snapshot.EMPTY);
    }

    public PolicyScope scope() {
        return origin.scope();
    }

    public Snapshot level(PolicyLevel level) {
        return level == PolicyLevel.MANDATORY ? mandatory : recommended;
    }

    public boolean isEmpty() {
        return mandatory.isEmpty() && recommended.isEmpty();
    }

    /** Same items at both levels. */
    public boolean equalItems(SourceSnapshot other) {
        return other != null && mandatory.equalItems(other.mandatory) && recommended.equalItems(other.recommended);
    }
}

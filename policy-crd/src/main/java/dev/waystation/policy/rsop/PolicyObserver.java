package dev.waystation.policy.rsop;

/** Hears about reloads, e.g. to update metrics. Called on the reloading thread; must be quick. */
public interface PolicyObserver {

    PolicyObserver NONE = (policy, nanos, healthy) -> { };

    /**
     * A reload pass of {@code policy} finished in {@code nanos}; {@code healthy} is false when one
     * of its sources failed or reported a problem (its last good snapshot was used).
     */
    void reloaded(ResultantPolicy policy, long nanos, boolean healthy);
}

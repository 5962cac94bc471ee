package dev.waystation.operator;

import jakarta.inject.Singleton;

/**
 * Whether this replica holds the operator's Lease. Work every replica does for itself (serving the DERP
 * map, probing) runs regardless; writes to shared objects outside reconciles (the prober's status and
 * Events) happen only on the leader, so two replicas never write the same status.
 */
@Singleton
public class Leadership {

    private volatile boolean leader;

    public boolean isLeader() {
        return leader;
    }

    void started() {
        leader = true;
    }

    void stopped() {
        leader = false;
    }
}

package dev.waystation.operator;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Singleton;

/**
 * Whether this replica holds the operator's Lease. Work every replica does for itself (serving the DERP
 * map, probing) runs regardless; writes to shared objects outside reconciles (the prober's status and
 * Events) happen only on the leader, so two replicas never write the same status.
 */
@Singleton
public class Leadership {

    private volatile boolean leader;
    private final List<Runnable> onLeading = new CopyOnWriteArrayList<>();

    public boolean isLeader() {
        return leader;
    }

    /** Runs {@code action} each time this replica becomes the leader (before JOSDK starts its event processing). */
    public void whenLeading(Runnable action) {
        onLeading.add(action);
    }

    void started() {
        leader = true;
        onLeading.forEach(Runnable::run);
    }

    void stopped() {
        leader = false;
    }
}

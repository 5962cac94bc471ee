package dev.waystation.operator.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.waystation.crd.v1alpha1.Conditions;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * Which Events a status change deserves: one per condition whose status or reason changed. A
 * condition turning bad (a {@code Degraded} that becomes or stays true with a new reason, any other
 * condition turning false) is a Warning; one turning good is Normal. A new object's first
 * {@code Ready=False} or {@code Degraded=False} is progress and no Event. Message changes alone (a count
 * moving from 1 of 3 to 2 of 3) are not Events: the status shows them.
 */
public final class ConditionEvents {

    /** One Event to record. */
    public record Change(EventRecorder.Type type, String reason, String message) {
    }

    private ConditionEvents() {
    }

    public static List<Change> between(List<Condition> before, List<Condition> after) {
        List<Change> changes = new ArrayList<>();
        for (Condition now : after == null ? List.<Condition>of() : after) {
            Optional<Condition> then = Conditions.find(before, now.getType());
            boolean changed = then.isEmpty() || !Objects.equals(then.get().getStatus(), now.getStatus())
                    || !Objects.equals(then.get().getReason(), now.getReason());
            if (!changed) {
                continue;
            }
            boolean negative = Conditions.DEGRADED.equals(now.getType());
            boolean bad = Conditions.TRUE.equals(now.getStatus()) == negative;
            boolean progress = Conditions.READY.equals(now.getType()) ? bad : negative && !bad;
            if (then.isEmpty() && progress) {
                continue; // a new object not ready yet, or not degraded: nothing to act on
            }
            changes.add(new Change(bad ? EventRecorder.Type.Warning : EventRecorder.Type.Normal,
                    now.getReason(), now.getMessage()));
        }
        return changes;
    }
}

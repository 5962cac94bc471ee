package dev.waystation.crd.v1alpha1;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Condition;

/**
 * Status conditions the Kubernetes way ({@code metav1.Condition}): one entry per type, a
 * {@code lastTransitionTime} that moves only when the status flips (to the second, as Kubernetes
 * serialises it), and the generation the condition was computed from. Shared by every Waystation
 * resource's status.
 */
public final class Conditions {

    /** The resource does what its spec asks. */
    public static final String READY = "Ready";
    /** Something needs attention; reason and message say what. */
    public static final String DEGRADED = "Degraded";

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private Conditions() {
    }

    /** The condition of that type, if present. */
    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /** Whether the condition of that type is present and {@code True}. */
    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
    }

    /**
     * Sets the condition of {@code type} in place. {@code lastTransitionTime} becomes {@code now} only
     * when the condition is new or its status changes. Returns whether anything changed.
     */
    public static boolean set(List<Condition> conditions, String type, boolean status, String reason,
            String message, long observedGeneration, Instant now) {
        String statusText = status ? TRUE : FALSE;
        Optional<Condition> existing = find(conditions, type);
        Condition condition = existing.orElseGet(() -> {
            Condition created = new Condition();
            created.setType(type);
            conditions.add(created);
            return created;
        });
        boolean flipped = !statusText.equals(condition.getStatus());
        boolean changed = flipped
                || !Objects.equals(reason, condition.getReason())
                || !Objects.equals(message, condition.getMessage())
                || !Objects.equals(observedGeneration, condition.getObservedGeneration());
        if (flipped || condition.getLastTransitionTime() == null) {
            condition.setLastTransitionTime(now.truncatedTo(ChronoUnit.SECONDS).toString());
        }
        condition.setStatus(statusText);
        condition.setReason(reason);
        condition.setMessage(message);
        condition.setObservedGeneration(observedGeneration);
        return changed;
    }
}

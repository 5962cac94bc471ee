package dev.waystation.operator.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.waystation.crd.v1alpha1.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

/** Which condition changes become Events. */
class ConditionEventsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

    private static List<Condition> conditions(boolean ready, String readyReason, boolean degraded, String degradedReason,
            String message) {
        List<Condition> conditions = new ArrayList<>();
        Conditions.set(conditions, Conditions.READY, ready, readyReason, message, 1, NOW);
        Conditions.set(conditions, Conditions.DEGRADED, degraded, degradedReason, message, 1, NOW);
        return conditions;
    }

    @Test
    void aNewRegionWaitingForNodesIsNoEventButANewProblemIsAWarning() {
        assertThat(ConditionEvents.between(List.of(),
                conditions(false, "NodesNotReady", false, "AsExpected", "0 of 1 nodes ready"))).isEmpty();
        assertThat(ConditionEvents.between(List.of(),
                conditions(false, "ApplyFailed", true, "ApplyFailed", "refused")))
                .singleElement().isEqualTo(new ConditionEvents.Change(EventRecorder.Type.Warning, "ApplyFailed", "refused"));
    }

    @Test
    void changesOfStatusOrReasonAreEventsCountsAreNot() {
        List<Condition> waiting = conditions(false, "NodesNotReady", true, "NodesUnavailable", "1 of 3 nodes ready");
        assertThat(ConditionEvents.between(waiting,
                conditions(false, "NodesNotReady", true, "NodesUnavailable", "2 of 3 nodes ready"))).isEmpty();
        assertThat(ConditionEvents.between(waiting,
                conditions(true, "AllNodesReady", false, "AsExpected", "3 of 3 nodes ready")))
                .extracting(ConditionEvents.Change::type, ConditionEvents.Change::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(EventRecorder.Type.Normal, "AllNodesReady"),
                        org.assertj.core.groups.Tuple.tuple(EventRecorder.Type.Normal, "AsExpected"));
    }
}

package dev.waystation.operator.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.waystation.crd.v1alpha1.Conditions;
import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicySettingProblem;
import dev.waystation.crd.v1alpha1.PolicyStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/** Builds a Policy's status from an evaluation; the condition's transition time moves only when its status flips. */
final class PolicyStatusWriter {

    private PolicyStatusWriter() {
    }

    /** The new status, or null when it equals the current one (nothing to write). */
    static PolicyStatus changed(Policy policy, PolicyEvaluation evaluation, List<String> regions, Instant now) {
        boolean accepted = evaluation.isAccepted(policy);
        List<PolicySettingProblem> problems = evaluation.problems(policy);
        String message = accepted
                ? (regions.isEmpty() ? "accepted; no DerpRegion in this namespace is in its scope yet"
                        : "accepted; projected to the policy document of " + String.join(", ", regions))
                : problems.size() + " invalid setting(s), relays keep this Policy's last accepted settings: "
                        + String.join("; ", problems.stream().map(PolicySettingProblem::toString).toList());
        PolicyStatus current = policy.getStatus() == null ? new PolicyStatus() : policy.getStatus();
        List<Condition> conditions = new ArrayList<>();
        for (Condition condition : current.getConditions() == null ? List.<Condition>of() : current.getConditions()) {
            conditions.add(new ConditionBuilder(condition).build());
        }
        boolean conditionChanged = Conditions.set(conditions, PolicyStatus.CONDITION_ACCEPTED, accepted,
                accepted ? PolicyStatus.REASON_ACCEPTED : PolicyStatus.REASON_INVALID, message,
                policy.getMetadata().getGeneration(), now);

        PolicyStatus status = new PolicyStatus();
        status.setObservedGeneration(policy.getMetadata().getGeneration());
        status.setConditions(conditions);
        status.setInvalidSettings(new ArrayList<>(problems));
        status.setOverridden(new ArrayList<>(evaluation.overrides(policy)));
        status.setRegions(new ArrayList<>(regions));
        boolean same = !conditionChanged
                && Objects.equals(status.getObservedGeneration(), current.getObservedGeneration())
                && status.getInvalidSettings().equals(orEmpty(current.getInvalidSettings()))
                && status.getOverridden().equals(orEmpty(current.getOverridden()))
                && status.getRegions().equals(orEmpty(current.getRegions()));
        return same ? null : status;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}

package dev.waystation.operator.policy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicySettingProblem;
import dev.waystation.crd.v1alpha1.PolicyStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/** Builds a Policy's status from an evaluation; keeps the condition's transition time unless its status flips. */
final class PolicyStatusWriter {

    private PolicyStatusWriter() {
    }

    static PolicyStatus status(Policy policy, PolicyEvaluation evaluation, List<String> regions) {
        boolean accepted = evaluation.isAccepted(policy);
        List<PolicySettingProblem> problems = evaluation.problems(policy);
        String conditionStatus = accepted ? "True" : "False";
        String message = accepted
                ? (regions.isEmpty() ? "Accepted; no DerpRegion in this namespace matches it yet"
                        : "Accepted; projected to " + String.join(", ", regions))
                : problems.size() + " invalid setting(s); relays keep this Policy's last accepted settings: "
                        + String.join("; ", problems.stream().map(PolicySettingProblem::toString).toList());
        String transition = previous(policy)
                .filter(condition -> conditionStatus.equals(condition.getStatus()))
                .map(Condition::getLastTransitionTime)
                .orElseGet(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Condition condition = new ConditionBuilder()
                .withType(PolicyStatus.CONDITION_ACCEPTED)
                .withStatus(conditionStatus)
                .withReason(accepted ? PolicyStatus.REASON_ACCEPTED : PolicyStatus.REASON_INVALID)
                .withMessage(message)
                .withObservedGeneration(policy.getMetadata().getGeneration())
                .withLastTransitionTime(transition)
                .build();

        PolicyStatus status = new PolicyStatus();
        status.setObservedGeneration(policy.getMetadata().getGeneration());
        status.setConditions(new ArrayList<>(List.of(condition)));
        status.setInvalidSettings(new ArrayList<>(problems));
        status.setOverridden(new ArrayList<>(evaluation.overrides(policy)));
        status.setRegions(new ArrayList<>(regions));
        return status;
    }

    /** The status without transition times, for "did anything change" checks. */
    static List<Object> comparable(PolicyStatus status) {
        if (status == null) {
            return null;
        }
        List<Object> conditions = status.getConditions() == null ? List.of() : status.getConditions().stream()
                .map(c -> (Object) List.of(String.valueOf(c.getType()), String.valueOf(c.getStatus()),
                        String.valueOf(c.getReason()), String.valueOf(c.getMessage()),
                        String.valueOf(c.getObservedGeneration())))
                .toList();
        return List.of(String.valueOf(status.getObservedGeneration()), conditions,
                nullToEmpty(status.getInvalidSettings()), nullToEmpty(status.getOverridden()),
                nullToEmpty(status.getRegions()));
    }

    private static List<?> nullToEmpty(List<?> list) {
        return list == null ? List.of() : list;
    }

    private static Optional<Condition> previous(Policy policy) {
        if (policy.getStatus() == null || policy.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return policy.getStatus().getConditions().stream()
                .filter(c -> PolicyStatus.CONDITION_ACCEPTED.equals(c.getType())).findFirst();
    }
}

package dev.waystation.operator.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicyOverride;
import dev.waystation.crd.v1alpha1.PolicySettingProblem;
import dev.waystation.operator.unreadable.UnreadableResources;

/**
 * The Policies of one namespace judged together: which are accepted (every setting valid), the
 * problems of the others, and, for accepted ones, which of their settings another accepted Policy
 * overrides. Pure: the reconcilers feed it their caches.
 */
final class PolicyEvaluation {

    private final Map<String, List<PolicySettingProblem>> problems = new HashMap<>();
    private final List<Policy> accepted = new ArrayList<>();

    PolicyEvaluation(Collection<Policy> policies, PolicyValidator validator) {
        for (Policy policy : policies) {
            // A Policy the operator could not read is invalid as a whole; relays keep its last accepted settings.
            List<PolicySettingProblem> found = UnreadableResources.reason(policy)
                    .map(why -> List.of(new PolicySettingProblem("spec", "unreadable: " + why)))
                    .orElseGet(() -> validator.problems(policy));
            problems.put(policy.sourceName(), found);
            if (found.isEmpty()) {
                accepted.add(policy);
            }
        }
        accepted.sort(PolicyOverrides.PRECEDENCE);
    }

    boolean isAccepted(Policy policy) {
        return problems.getOrDefault(policy.sourceName(), List.of()).isEmpty();
    }

    List<PolicySettingProblem> problems(Policy policy) {
        return problems.getOrDefault(policy.sourceName(), List.of());
    }

    /** Accepted Policies, lowest precedence first within a scope kind. */
    List<Policy> accepted() {
        return accepted;
    }

    List<PolicyOverride> overrides(Policy policy) {
        return isAccepted(policy) ? PolicyOverrides.of(policy, accepted) : List.of();
    }
}

package dev.waystation.operator.policy;

import java.util.Comparator;

import dev.waystation.crd.v1alpha1.Policy;

/**
 * The order among Policies of the same scope: lower priority first, then by source name
 * ({@code policy/<namespace>/<name>}). A later Policy is registered later in the relay's RSOP, so it
 * wins among mandatory values and among recommended values of the same scope.
 */
final class PolicyOrder {

    static final Comparator<Policy> REGISTRATION = Comparator
            .comparingInt((Policy policy) -> policy.getSpec().getPriority())
            .thenComparing(Policy::sourceName);

    private PolicyOrder() {
    }
}

package dev.waystation.operator;

import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicyStatus;

/** YAML of the operator's custom resources as a user writes them, and status readers, for the ITs. */
final class Manifests {

    private Manifests() {
    }

    /** A DerpRegion; {@code spec} is the YAML body of its spec (unindented). */
    static String derpRegion(String name, String namespace, String spec) {
        return resource("DerpRegion", name, namespace, spec);
    }

    /** A Policy; {@code spec} is the YAML body of its spec (unindented). */
    static String policy(String name, String namespace, String spec) {
        return resource("Policy", name, namespace, spec);
    }

    /** The reason of a Policy's {@code Accepted} condition, or "" while it has none. */
    static String acceptedReason(Policy policy) {
        return policy.getStatus().getConditions().stream()
                .filter(c -> PolicyStatus.CONDITION_ACCEPTED.equals(c.getType()))
                .map(c -> c.getReason()).findFirst().orElse("");
    }

    private static String resource(String kind, String name, String namespace, String spec) {
        return """
                apiVersion: waystation.dev/v1alpha1
                kind: %s
                metadata:
                  name: %s
                  namespace: %s
                spec:
                %s
                """.formatted(kind, name, namespace, spec.indent(2));
    }
}

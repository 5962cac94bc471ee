package dev.waystation.operator.policy;

import java.util.List;

import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicySpec;
import dev.waystation.policy.setting.PolicyScope;

/** The engine scopes a {@link Policy} is registered at: Device once, one Profile per region, one User per node key. */
final class PolicyTargets {

    private PolicyTargets() {
    }

    static List<PolicyScope> scopes(PolicySpec spec) {
        return switch (spec.getScope()) {
            case Device -> List.of(PolicyScope.DEVICE);
            case Profile -> spec.getRegions().stream().distinct().map(PolicyScope::profile).toList();
            case User -> spec.getNodeKeys().stream().distinct().map(PolicyScope::user).toList();
        };
    }

    /** True when the Policy's settings reach relays of {@code region}: Device and User everywhere, Profile where named. */
    static boolean appliesToRegion(PolicySpec spec, String region) {
        return switch (spec.getScope()) {
            case Device, User -> true;
            case Profile -> spec.getRegions().contains(region);
        };
    }
}

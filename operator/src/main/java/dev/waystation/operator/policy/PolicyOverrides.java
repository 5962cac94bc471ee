package dev.waystation.operator.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicyEnforcement;
import dev.waystation.crd.v1alpha1.PolicyOverride;
import dev.waystation.crd.v1alpha1.PolicySpec;
import dev.waystation.policy.rsop.SourcePrecedence;
import dev.waystation.policy.setting.PolicyScope;

/**
 * Which settings of a Policy another Policy beats, for at least one relay or client both reach. The
 * rule is the relay's RSOP precedence applied to Policies: a mandatory value beats any recommended
 * one; among mandatory values the broader scope wins (Device > Profile > User); among recommended
 * values the narrower scope wins; within one scope the engine's {@link SourcePrecedence} decides
 * (higher priority, then the source name that sorts later), compared on the source names relays see.
 */
final class PolicyOverrides {

    /** Policies by the engine's rule on their source names: lowest precedence first. */
    static final Comparator<Policy> PRECEDENCE = SourcePrecedence.order(policy -> policy.getSpec().getPriority(),
            Policy::sourceName);

    private PolicyOverrides() {
    }

    /** Overrides of {@code policy}'s settings by any other of {@code accepted}, sorted by key then winner. */
    static List<PolicyOverride> of(Policy policy, Collection<Policy> accepted) {
        List<PolicyOverride> overrides = new ArrayList<>();
        for (Policy other : accepted) {
            if (other.sourceName().equals(policy.sourceName()) || !overlap(policy.getSpec(), other.getSpec())) {
                continue;
            }
            String reason = whyBeats(other, policy);
            if (reason == null) {
                continue;
            }
            for (String key : policy.getSpec().getSettings().keySet()) {
                if (other.getSpec().getSettings().containsKey(key)) {
                    overrides.add(new PolicyOverride(key, other.sourceName(), reason));
                }
            }
        }
        overrides.sort((a, b) -> a.getKey().equals(b.getKey()) ? a.getBy().compareTo(b.getBy())
                : a.getKey().compareTo(b.getKey()));
        return overrides;
    }

    /** Why {@code winner}'s value beats {@code loser}'s for a key both set, or null when it does not. */
    static String whyBeats(Policy winner, Policy loser) {
        PolicySpec w = winner.getSpec();
        PolicySpec l = loser.getSpec();
        boolean winnerMandatory = w.getEnforcement() == PolicyEnforcement.Mandatory;
        boolean loserMandatory = l.getEnforcement() == PolicyEnforcement.Mandatory;
        if (winnerMandatory != loserMandatory) {
            return winnerMandatory ? "a Mandatory value beats a Recommended one" : null;
        }
        int breadth = Integer.compare(l.getScope().ordinal(), w.getScope().ordinal()); // > 0: winner broader
        if (breadth != 0) {
            if (winnerMandatory) {
                return breadth > 0 ? "Mandatory at the broader scope " + w.getScope() : null;
            }
            return breadth < 0 ? "Recommended at the narrower scope " + w.getScope() : null;
        }
        PolicyScope shared = sharedScope(w, l);
        if (SourcePrecedence.compare(w.getPriority(), PolicySources.name(winner, shared), l.getPriority(),
                PolicySources.name(loser, shared)) <= 0) {
            return null;
        }
        return SourcePrecedence.reason(w.getPriority(), l.getPriority());
    }

    /**
     * A scope both Policies of one kind target, so the names compared are the relays' source names
     * (a User source's name ends in its node key; the same key on both sides keeps the order the
     * same for every shared key).
     */
    private static PolicyScope sharedScope(PolicySpec a, PolicySpec b) {
        return switch (a.getScope()) {
            case Device -> PolicyScope.DEVICE;
            case Profile -> PolicyScope.profile(a.getRegions().stream().filter(b.getRegions()::contains).findFirst()
                    .orElse(""));
            case User -> PolicyScope.user(a.getNodeKeys().stream().filter(b.getNodeKeys()::contains).findFirst()
                    .orElse(""));
        };
    }

    /** True when some relay or client is reached by both Policies. */
    static boolean overlap(PolicySpec a, PolicySpec b) {
        if (a.getScope() == b.getScope()) {
            return switch (a.getScope()) {
                case Device -> true;
                case Profile -> intersects(a.getRegions(), b.getRegions());
                case User -> intersects(a.getNodeKeys(), b.getNodeKeys());
            };
        }
        // Different kinds always meet: Device reaches everything, and a User Policy's clients may
        // connect to any region, including a Profile Policy's.
        return true;
    }

    private static boolean intersects(List<String> a, List<String> b) {
        Set<String> set = new HashSet<>(a);
        return b.stream().anyMatch(set::contains);
    }
}

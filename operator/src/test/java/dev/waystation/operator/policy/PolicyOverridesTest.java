package dev.waystation.operator.policy;

import static dev.waystation.operator.policy.Policies.KEY_A;
import static dev.waystation.operator.policy.Policies.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicyOverride;

/** Overrides follow the RSOP precedence: scope breadth for mandatory, narrowness for recommended, then order. */
class PolicyOverridesTest {

    private static final Map<String, Object> STUN_OFF = Map.of("STUN.Enabled", false);
    private static final Map<String, Object> STUN_ON = Map.of("STUN.Enabled", true);

    @Test
    void mandatoryDeviceBeatsMandatoryProfile() {
        Policy device = Policies.device("fleet", STUN_OFF);
        Policy profile = Policies.profile("eu", List.of("eu-west"), STUN_ON);

        assertThat(PolicyOverrides.of(profile, List.of(device, profile)))
                .containsExactly(new PolicyOverride("STUN.Enabled", "policy/relays/fleet",
                        "Mandatory at the broader scope Device"));
        assertThat(PolicyOverrides.of(device, List.of(device, profile))).isEmpty();
    }

    @Test
    void recommendedNarrowerScopeWinsAndAnyMandatoryBeatsRecommended() {
        Policy deviceRecommended = Policies.recommended(Policies.device("fleet", STUN_OFF));
        Policy profileRecommended = Policies.recommended(Policies.profile("eu", List.of("eu-west"), STUN_ON));
        Policy userMandatory = Policies.user("one", List.of(KEY_A), Map.of("Client.Allowed", false));
        Policy deviceClient = Policies.recommended(Policies.device("clients", Map.of("Client.Allowed", true)));

        assertThat(PolicyOverrides.of(deviceRecommended, List.of(deviceRecommended, profileRecommended)))
                .extracting(PolicyOverride::getBy, PolicyOverride::getReason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("policy/relays/eu",
                        "Recommended at the narrower scope Profile"));
        assertThat(PolicyOverrides.of(profileRecommended, List.of(deviceRecommended, profileRecommended))).isEmpty();
        assertThat(PolicyOverrides.of(deviceClient, List.of(deviceClient, userMandatory)))
                .extracting(PolicyOverride::getReason).containsExactly("a Mandatory value beats a Recommended one");
    }

    @Test
    void sameScopeHigherPriorityWinsThenLaterName() {
        Policy low = Policies.withPriority(Policies.device("zz-low", STUN_OFF), 1);
        Policy high = Policies.withPriority(Policies.device("aa-high", STUN_ON), 5);
        Policy tieA = Policies.device("a", STUN_OFF);
        Policy tieB = Policies.device("b", STUN_ON);

        assertThat(PolicyOverrides.of(low, List.of(low, high))).extracting(PolicyOverride::getReason)
                .containsExactly("same scope, higher priority (5 > 1)");
        assertThat(PolicyOverrides.of(high, List.of(low, high))).isEmpty();
        assertThat(PolicyOverrides.of(tieA, List.of(tieA, tieB))).extracting(PolicyOverride::getBy)
                .containsExactly("policy/relays/b");
        assertThat(PolicyOverrides.of(tieB, List.of(tieA, tieB))).isEmpty();
    }

    @Test
    void disjointTargetsDoNotOverride() {
        Policy west = Policies.profile("west", List.of("eu-west"), STUN_OFF);
        Policy east = Policies.withPriority(Policies.profile("east", List.of("eu-east"), STUN_ON), 9);
        Policy userA = Policies.user("a", List.of(KEY_A), Map.of("Client.Allowed", false));
        Policy userB = Policies.withPriority(Policies.user("b", List.of(KEY_B), Map.of("Client.Allowed", true)), 9);

        assertThat(PolicyOverrides.of(west, List.of(west, east))).isEmpty();
        assertThat(PolicyOverrides.of(userA, List.of(userA, userB))).isEmpty();
    }

    @Test
    void onlySharedKeysAreReported() {
        Policy device = Policies.device("fleet", Map.of("STUN.Enabled", false));
        Policy profile = Policies.profile("eu", List.of("eu-west"), Map.of("STUN.Enabled", true,
                "Admission.AcceptBurst", 5));

        assertThat(PolicyOverrides.of(profile, List.of(device, profile))).extracting(PolicyOverride::getKey)
                .containsExactly("STUN.Enabled");
    }
}

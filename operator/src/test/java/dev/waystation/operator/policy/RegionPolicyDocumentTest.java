package dev.waystation.operator.policy;

import static dev.waystation.operator.policy.Policies.KEY_A;
import static dev.waystation.operator.policy.Policies.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.waystation.crd.v1alpha1.Policy;

/** A region's document holds the accepted Policies reaching it, in registration order; invalid ones keep their last good entry. */
class RegionPolicyDocumentTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void projectsPoliciesReachingTheRegionInRegistrationOrder() throws Exception {
        List<Policy> policies = List.of(
                Policies.withPriority(Policies.device("late", Map.of("STUN.Enabled", true)), 3),
                Policies.device("early", Map.of("Admission.DeniedClients", List.of(KEY_A))),
                Policies.profile("here", List.of("eu-west", "us-east"), Map.of("Admission.AcceptBurst", 5)),
                Policies.profile("elsewhere", List.of("us-east"), Map.of("Admission.AcceptBurst", 9)),
                Policies.recommended(Policies.user("clients", List.of(KEY_B, KEY_A), Map.of("Client.Allowed", false))));

        List<Map<String, Object>> sources = sources(render("eu-west", policies, Optional.empty()));

        assertThat(sources).extracting(s -> s.get("name")).containsExactly(
                "policy/relays/early", "policy/relays/late", "policy/relays/here",
                "policy/relays/clients/" + KEY_A, "policy/relays/clients/" + KEY_B);
        assertThat(sources).extracting(s -> s.get("scope")).containsExactly(
                "Device", "Device", "Profile(eu-west)", "User(" + KEY_A + ")", "User(" + KEY_B + ")");
        assertThat(sources.get(0).get("mandatory")).isEqualTo(Map.of("Admission.DeniedClients", List.of(KEY_A)));
        assertThat(sources.get(1).get("priority")).isEqualTo(3);
        assertThat(sources.get(3).get("recommended")).isEqualTo(Map.of("Client.Allowed", false));
        assertThat(sources.get(3)).doesNotContainKey("mandatory");
    }

    @Test
    void anInvalidPolicyKeepsItsLastGoodEntryAndADeletedOneLeaves() throws Exception {
        Policy deny = Policies.device("deny", Map.of("Admission.DeniedClients", List.of(KEY_A)));
        Policy other = Policies.device("other", Map.of("STUN.Enabled", false));
        String before = render("eu-west", List.of(deny, other), Optional.empty());

        Policy brokenDeny = Policies.device("deny", Map.of("Admission.DeniedClients", "not a list"));
        String after = render("eu-west", List.of(brokenDeny), Optional.of(before));

        List<Map<String, Object>> sources = sources(after);
        assertThat(sources).extracting(s -> s.get("name")).containsExactly("policy/relays/deny");
        assertThat(sources.get(0).get("mandatory")).isEqualTo(Map.of("Admission.DeniedClients", List.of(KEY_A)));
    }

    @Test
    void anInvalidPolicyWithoutHistoryAddsNothingAndRenderingIsStable() throws Exception {
        Policy broken = Policies.device("broken", Map.of("No.Such", 1));
        Policy good = Policies.device("good", Map.of("STUN.Enabled", false));

        String once = render("eu-west", List.of(broken, good), Optional.empty());
        String twice = render("eu-west", List.of(good, broken), Optional.of(once));

        assertThat(sources(once)).extracting(s -> s.get("name")).containsExactly("policy/relays/good");
        assertThat(twice).isEqualTo(once);
    }

    private static String render(String region, List<Policy> policies, Optional<String> previous) {
        return RegionPolicyDocument.render(region, policies, new PolicyEvaluation(policies, Policies.validator()),
                previous);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> sources(String document) throws Exception {
        Map<String, Object> parsed = YAML.readValue(document, new TypeReference<Map<String, Object>>() { });
        assertThat(parsed.get("version")).isEqualTo(1);
        return (List<Map<String, Object>>) parsed.get("sources");
    }
}

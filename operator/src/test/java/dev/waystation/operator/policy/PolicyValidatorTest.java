package dev.waystation.operator.policy;

import static dev.waystation.operator.policy.Policies.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.waystation.crd.v1alpha1.PolicySettingProblem;

/** Settings are checked against the relay's catalog: key, scope and type, one message per bad setting. */
class PolicyValidatorTest {

    private final PolicyValidator validator = Policies.validator();

    @Test
    void acceptsCatalogSettingsOfTheRightTypeAndScope() {
        assertThat(validator.problems(Policies.device("ok", Map.of(
                "Admission.DeniedClients", List.of(KEY_A),
                "STUN.Enabled", false,
                "Admission.AcceptRatePerSecond", 50,
                "Client.RateLimitBytesPerSecond", 1_000_000)))).isEmpty();
        assertThat(validator.problems(Policies.user("ok", List.of(KEY_A), Map.of("Client.Allowed", false))))
                .isEmpty();
    }

    @Test
    void reportsEachBadSettingWithItsReason() {
        List<PolicySettingProblem> problems = validator.problems(Policies.user("bad", List.of(KEY_A), Map.of(
                "Client.Allowed", "nope",
                "Admission.DeniedClients", List.of(KEY_A),
                "No.Such.Setting", true,
                "Client.RateBurstBytes", 10)));

        assertThat(problems).extracting(PolicySettingProblem::getKey)
                .containsExactlyInAnyOrder("Client.Allowed", "Admission.DeniedClients", "No.Such.Setting");
        assertThat(message(problems, "Client.Allowed")).contains("want a boolean")
                .contains("\"nope\"");
        assertThat(message(problems, "Admission.DeniedClients")).contains("Profile setting cannot be configured at scope User");
        assertThat(message(problems, "No.Such.Setting")).contains("unknown policy setting");
    }

    @Test
    void rejectsNegativeNumbersAndNonStringListElements() {
        List<PolicySettingProblem> problems = validator.problems(Policies.device("bad", Map.of(
                "Admission.AcceptBurst", -1,
                "Admission.AllowedClients", List.of(KEY_A, 7))));

        assertThat(problems).extracting(PolicySettingProblem::getKey)
                .containsExactlyInAnyOrder("Admission.AcceptBurst", "Admission.AllowedClients");
    }

    @Test
    void checksWhatValuesMeanNamingKeyAndElement() {
        List<PolicySettingProblem> problems = validator.problems(Policies.device("bad", Map.of(
                "Admission.AllowedClients", List.of(KEY_A, "nodekey:TYPO"),
                "Debug.AllowedCIDRs", List.of("10.0.0.0/8", "not-a-cidr"),
                "Admission.VerifyURL", "not a url")));

        assertThat(problems).extracting(PolicySettingProblem::getKey)
                .containsExactlyInAnyOrder("Admission.AllowedClients", "Debug.AllowedCIDRs", "Admission.VerifyURL");
        assertThat(message(problems, "Admission.AllowedClients")).contains("element [1]").contains("\"nodekey:TYPO\"")
                .contains("not a node key");
        assertThat(message(problems, "Debug.AllowedCIDRs")).contains("element [1]").contains("\"not-a-cidr\"");
        assertThat(message(problems, "Admission.VerifyURL")).contains("invalid URL \"not a url\"");
    }

    @Test
    void acceptsNodeKeysInUpperCase() {
        assertThat(validator.problems(Policies.device("ok", Map.of(
                "Admission.DeniedClients", List.of(KEY_A.toUpperCase().replace("NODEKEY:", "nodekey:")),
                "Admission.VerifyURL", "https://headscale.example/verify")))).isEmpty();
    }

    private static String message(List<PolicySettingProblem> problems, String key) {
        return problems.stream().filter(p -> p.getKey().equals(key)).findFirst().orElseThrow().getMessage();
    }
}

package dev.waystation.crd.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.waystation.testing.KubectlResult;

/** The API server itself enforces the Policy schema and CEL rules from kubernetes/crds. */
class PolicyValidationIT extends CrdOnApiServer {

    private static final String KEY = "nodekey:" + "0123456789abcdef".repeat(4);

    private static String policy(String name, String specBody) {
        return manifest("Policy", name, specBody);
    }

    @Test
    void validPoliciesOfEveryScopeAreStoredWithDefaults() {
        client.resource(policy("fleet", """
                scope: Device
                settings:
                  Admission.DeniedClients: ["%s"]
                  STUN.Enabled: false
                  Admission.AcceptRatePerSecond: 20
                """.formatted(KEY))).create();
        client.resource(policy("eu", """
                scope: Profile
                regions: [eu-west, eu-central]
                enforcement: Recommended
                priority: 5
                settings:
                  STUN.AnswerAllClients: false
                """)).create();
        client.resource(policy("one-client", """
                scope: User
                nodeKeys: ["%s"]
                settings:
                  Client.RateLimitBytesPerSecond: 100000
                """.formatted(KEY))).create();

        Policy fleet = client.resources(Policy.class).inNamespace("default").withName("fleet").get();
        assertThat(fleet.getSpec().getEnforcement()).isEqualTo(PolicyEnforcement.Mandatory);
        assertThat(fleet.getSpec().getPriority()).isZero();
        assertThat(fleet.getSpec().getSettings().get("Admission.DeniedClients").get(0).asText()).isEqualTo(KEY);
        assertThat(fleet.getSpec().getSettings().get("STUN.Enabled").asBoolean(true)).isFalse();
        assertThat(client.resources(Policy.class).inNamespace("default").withName("eu").get().getSpec().getRegions())
                .isEqualTo(List.of("eu-west", "eu-central"));

        KubectlResult table = cluster.kubectl("get", "policies", "-n", "default").assertSuccess();
        assertThat(table.output().lines().findFirst().orElseThrow())
                .contains("NAME", "SCOPE", "ENFORCEMENT", "PRIORITY", "STATUS", "AGE");
        assertThat(table.output()).containsPattern("eu\\s+.*Profile").containsPattern("eu\\s+.*Recommended")
                .containsPattern("fleet\\s+.*Device");
        assertThat(cluster.kubectl("get", "wspol", "fleet", "-n", "default").assertSuccess().output()).contains("fleet");
    }

    @Test
    void profileScopeRequiresRegions() {
        assertRejected(policy("no-regions", """
                scope: Profile
                settings:
                  STUN.Enabled: false
                """), "scope Profile requires spec.regions");
    }

    @Test
    void userScopeRequiresNodeKeys() {
        assertRejected(policy("no-keys", """
                scope: User
                nodeKeys: []
                settings:
                  Client.Allowed: false
                """), "scope User requires spec.nodeKeys");
    }

    @Test
    void nodeKeysMustLookLikeNodeKeys() {
        assertRejected(policy("bad-key", """
                scope: User
                nodeKeys: ["nodekey:XYZ"]
                settings:
                  Client.Allowed: false
                """), "spec.nodeKeys[0] in body should match '^nodekey:[0-9a-f]{64}$'");
    }

    @Test
    void targetsOfOtherScopesAreRefused() {
        assertRejected(policy("device-with-keys", """
                scope: Device
                nodeKeys: ["%s"]
                settings:
                  Client.Allowed: false
                """.formatted(KEY)), "spec.nodeKeys is only allowed with scope User");
        assertRejected(policy("user-with-regions", """
                scope: User
                nodeKeys: ["%s"]
                regions: [eu-west]
                settings:
                  Client.Allowed: false
                """.formatted(KEY)), "spec.regions is only allowed with scope Profile");
    }

    @Test
    void scopeEnforcementAndSettingsAreChecked() {
        assertRejected(policy("bad-scope", """
                scope: Fleet
                settings:
                  STUN.Enabled: false
                """), "Unsupported value: \"Fleet\"");
        assertRejected(policy("bad-enforcement", """
                scope: Device
                enforcement: Sometimes
                settings:
                  STUN.Enabled: false
                """), "Unsupported value: \"Sometimes\"");
        assertRejected(policy("no-settings", """
                scope: Device
                settings: {}
                """), "spec.settings: Invalid value");
        assertRejected(policy("bad-region", """
                scope: Profile
                regions: [Not_A_Region]
                settings:
                  STUN.Enabled: false
                """), "spec.regions[0] in body should match");
        assertRejected(policy("huge-priority", """
                scope: Device
                priority: -2147483649
                settings:
                  STUN.Enabled: false
                """), "spec.priority in body should be greater than or equal to");
    }

    @Test
    void kubectlShowsTheCelMessage() throws Exception {
        java.nio.file.Path manifest = java.nio.file.Files.createTempFile("policy", ".yaml");
        java.nio.file.Files.writeString(manifest, policy("kubectl-no-regions", """
                scope: Profile
                settings:
                  STUN.Enabled: false
                """));
        KubectlResult apply = cluster.kubectl("apply", "-f", manifest.toString());
        java.nio.file.Files.delete(manifest);

        assertThat(apply.exitCode()).isNotZero();
        assertThat(apply.output()).contains("scope Profile requires spec.regions");
    }
}

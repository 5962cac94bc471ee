package dev.waystation.relay.policy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.waystation.testing.ManagementPort;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * End to end: the relay reads its policy file, serves the explain view on the management port,
 * follows a Kubernetes-style symlink swap, ignores a broken write (last good kept, error shown),
 * and exports policy metrics.
 */
@QuarkusTest
@TestProfile(PolicyFileProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyDebugEndpointTest {

    /** Debounce max (1 s) plus file-event latency, with room for a loaded machine. */
    static final Duration BOUND = Duration.ofSeconds(15);

    @Inject
    RelayPolicy relayPolicy;

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    static String url(String path) {
        return "http://localhost:" + ManagementPort.port() + path;
    }

    static JsonPath explain() {
        return given().get(url("/debug/policy")).then().statusCode(200).extract().jsonPath();
    }

    static Map<String, Object> setting(JsonPath body, String key) {
        List<Map<String, Object>> settings = body.getList("settings");
        return settings.stream().filter(s -> key.equals(s.get("key"))).findFirst().orElseThrow();
    }

    @Test
    @Order(1)
    void listsEverySettingOfTheRegionWithProvenanceOriginAndShadowedValues() {
        JsonPath body = explain();
        assertThat(body.getString("scope")).isEqualTo("Profile(test-region)");
        assertThat(body.getList("settings")).hasSize(13);
        Map<String, Object> stun = setting(body, "STUN.Enabled");
        assertThat(stun).containsEntry("value", false).containsEntry("source", "mandatory")
                .containsEntry("default", true).containsEntry("type", "Boolean").containsEntry("scopeKind", "Profile");
        assertThat(stun.get("origin")).isEqualTo(Map.of("name", "cm/fleet", "scope", "Device"));
        assertThat(stun.get("shadowed")).asList().singleElement().asString().contains("recommended", "cm/region");
        assertThat(setting(body, "Admission.AcceptBurst")).containsEntry("value", 50).containsEntry("source",
                "recommended");
        assertThat(setting(body, "Client.Allowed")).containsEntry("value", true).containsEntry("source", "default");
        assertThat(body.getList("sources.name")).contains("cm/fleet", "cm/region", "environment");
        assertThat(body.getBoolean("healthy")).isTrue();
        assertThat(relayPolicy.stun().current()).isEqualTo(new StunPolicy(false, false));
        // Written in upper case in the file, matched as the relay spells keys.
        assertThat(relayPolicy.admission().current().listsAdmit("nodekey:" + "ab".repeat(32))).isFalse();
        assertThat(relayPolicy.admission().current().listsAdmit("nodekey:" + "cd".repeat(32))).isTrue();
    }

    @Test
    @Order(2)
    void scopeIsAQueryParameterAndBadScopesAreRejected() {
        given().get(url("/debug/policy?scope=Device")).then().statusCode(200).body("scope", equalTo("Device"))
                .body("settings", hasSize(13));
        given().get(url("/debug/policy?scope=Device(1)")).then().statusCode(400)
                .body("error", containsString("the device scope must not have an ID"));
        given().get(url("/debug/policy?scope=Profile(test-region)/User(nodekey:ab)")).then().statusCode(200)
                .body("settings.find { it.key == 'Client.Allowed' }.value", equalTo(true));
    }

    @Test
    @Order(2)
    void askingAboutScopesLeavesNoScopeOrMetricSeriesBehind() {
        for (int i = 0; i < 20; i++) {
            given().get(url("/debug/policy?scope=Profile(asked-" + i + ")")).then().statusCode(200)
                    .body("scope", equalTo("Profile(asked-" + i + ")"));
        }
        assertThat(relayPolicy.engine().policies()).extracting(p -> p.scope().toString())
                .noneMatch(scope -> scope.contains("asked-"));
        assertThat(meters.find(PolicyMetrics.GENERATION).gauges()).extracting(g -> g.getId().getTag("scope"))
                .noneMatch(scope -> scope.contains("asked-"))
                .contains("Profile(test-region)");
    }

    @Test
    @Order(3)
    void aSymlinkSwapChangesThePolicyWithinTheDebounceBound() {
        long before = explain().getLong("generation");
        List<StunPolicy> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        relayPolicy.stun().bind(seen::add);
        PolicyFileProfile.swap(PolicyFileProfile.FIRST.replace("STUN.Enabled: false", "STUN.Enabled: true")
                .replace("Admission.AcceptBurst: 50", "Admission.AcceptBurst: 60"));
        await().atMost(BOUND).until(() -> Integer.valueOf(60).equals(setting(explain(), "Admission.AcceptBurst")
                .get("value")));
        JsonPath body = explain();
        assertThat(setting(body, "STUN.Enabled")).containsEntry("value", true);
        assertThat(body.getLong("generation")).isGreaterThan(before);
        await().atMost(BOUND).until(() -> seen.contains(new StunPolicy(true, false)));
    }

    @Test
    @Order(4)
    void aBrokenWriteIsIgnoredAndTheLastGoodPolicyStays() {
        PolicyFileProfile.swap("version: 1\nsources:\n  - name: cm/fleet\n    scope: [\n");
        await().atMost(BOUND).until(() -> !explain().getList("documents.error").isEmpty()
                && explain().getList("documents.error").get(0) != null);
        JsonPath body = explain();
        assertThat(body.getString("documents[0].error")).contains("not valid YAML");
        assertThat(setting(body, "Admission.AcceptBurst")).containsEntry("value", 60);
        await().atMost(BOUND).until(() -> !explain().getBoolean("healthy"));
        assertThat(explain().getList("sources.problem").toString()).contains("keeping the last good policy");
    }

    @Test
    @Order(5)
    void metricsShowSettingsErrorsReloadsAndGeneration() {
        // A value of the wrong type: that one setting reads as its default and shows the error.
        PolicyFileProfile.swap(PolicyFileProfile.FIRST.replace("STUN.Enabled: false",
                "STUN.Enabled: false\n      STUN.AnswerAllClients: maybe"));
        await().atMost(BOUND).until(() -> setting(explain(), "STUN.AnswerAllClients").get("error") != null);
        String metrics = given().accept("text/plain; version=0.0.4").get(ManagementPort.url("/metrics")).then()
                .statusCode(200).extract().asString().replace(",}", "}");
        assertThat(metrics).contains(
                "waystation_policy_setting_error{key=\"STUN.AnswerAllClients\",scope=\"Profile(test-region)\"} 1.0",
                "waystation_policy_setting_configured{key=\"STUN.AnswerAllClients\",scope=\"Profile(test-region)\"} 0.0");
        assertThat(metrics).containsPattern("waystation_policy_reloads_total\\{result=\"error\"} [1-9]");
        assertThat(metrics).contains(
                "waystation_policy_setting_configured{key=\"STUN.Enabled\",scope=\"Profile(test-region)\"} 1.0",
                "waystation_policy_setting_configured{key=\"Client.Allowed\",scope=\"Profile(test-region)\"} 0.0",
                "waystation_policy_setting_error{key=\"STUN.Enabled\",scope=\"Profile(test-region)\"} 0.0",
                "waystation_policy_reloads_total{result=\"success\"}",
                "waystation_policy_reloads_total{result=\"error\"}",
                "waystation_policy_generation{scope=\"Profile(test-region)\"}",
                "waystation_policy_last_reload_duration_seconds{scope=\"Profile(test-region)\"}");
    }

    @Test
    @Order(6)
    void reloadReReadsAndAnswersTheExplainView() {
        PolicyFileProfile.swap(PolicyFileProfile.FIRST.replace("Admission.AcceptBurst: 50", "Admission.AcceptBurst: 70"));
        given().post(url("/debug/policy/reload")).then().statusCode(200)
                .body("settings.find { it.key == 'Admission.AcceptBurst' }.value", equalTo(70))
                .body("healthy", equalTo(true));
    }
}

package dev.waystation.relay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.waystation.testing.GoHarness;

/**
 * The shipped prober alerts ({@code kubernetes/monitoring/prober-alerts.yaml}) under Prometheus' own
 * {@code promtool test rules}: a certificate 10 days from expiry alerts, one 30 days away does not; a
 * failing probe alerts per node and kind; a region whose every node fails its DERP probe alerts.
 */
class PrometheusRulesTest {

    private static final Path RULES = Path.of("kubernetes/monitoring/prober-alerts.yaml");
    private static final long PROMTOOL_TIMEOUT_SECONDS = 60;

    /** Times are promtool's: the series start at Unix time 0, so the expiry values are seconds from then. */
    private static final String TESTS = """
            rule_files: [rules.yaml]
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:
                  - series: 'waystation_operator_probe_certificate_expiry_timestamp_seconds{region_namespace="edge",region="fra",region_id="900",node="900a"}'
                    values: '864000x30'
                  - series: 'waystation_operator_probe_certificate_expiry_timestamp_seconds{region_namespace="edge",region="fra",region_id="900",node="900b"}'
                    values: '2592000x30'
                  - series: 'waystation_operator_probe_success{region_namespace="edge",region="fra",region_id="900",node="900a",kind="derp"}'
                    values: '1x30'
                  - series: 'waystation_operator_probe_success{region_namespace="edge",region="fra",region_id="900",node="900b",kind="stun"}'
                    values: '0x30'
                  - series: 'waystation_operator_probe_success{region_namespace="edge",region="nyc",region_id="901",node="901a",kind="derp"}'
                    values: '0x30'
                  - series: 'waystation_operator_probe_success{region_namespace="edge",region="nyc",region_id="901",node="901b",kind="derp"}'
                    values: '0x30'
                alert_rule_test:
                  - eval_time: 20m
                    alertname: WaystationDerpCertificateExpiresSoon
                    exp_alerts:
                      - exp_labels: {severity: warning, region_namespace: edge, region: fra, region_id: "900", node: 900a}
                        exp_annotations:
                          summary: "TLS certificate of DERP node 900a expires within 14 days"
                          description: "The certificate node 900a (DerpRegion edge/fra) presents expires at 1970-01-11 00:00:00 +0000 UTC; renewal has not happened."
                  - eval_time: 5m
                    alertname: WaystationDerpNodeProbeFailing
                    exp_alerts:
                      - exp_labels: {severity: warning, region_namespace: edge, region: fra, region_id: "900", node: 900b, kind: stun}
                        exp_annotations:
                          summary: "DERP node 900b fails its stun probe"
                          description: "The stun probe of node 900b in DerpRegion edge/fra has failed for 2 minutes; kubectl describe derpregion shows the last error."
                      - exp_labels: {severity: warning, region_namespace: edge, region: nyc, region_id: "901", node: 901a, kind: derp}
                        exp_annotations:
                          summary: "DERP node 901a fails its derp probe"
                          description: "The derp probe of node 901a in DerpRegion edge/nyc has failed for 2 minutes; kubectl describe derpregion shows the last error."
                      - exp_labels: {severity: warning, region_namespace: edge, region: nyc, region_id: "901", node: 901b, kind: derp}
                        exp_annotations:
                          summary: "DERP node 901b fails its derp probe"
                          description: "The derp probe of node 901b in DerpRegion edge/nyc has failed for 2 minutes; kubectl describe derpregion shows the last error."
                  - eval_time: 5m
                    alertname: WaystationDerpRegionNoHealthyNode
                    exp_alerts:
                      - exp_labels: {severity: critical, region_namespace: edge, region: nyc, region_id: "901"}
                        exp_annotations:
                          summary: "DERP region edge/nyc has no healthy node"
                          description: "No node of region 901 passes its DERP probe; the DERP map keeps at least one node published, but it does not relay."
            """;

    @Test
    void promtoolTestRulesPasses() throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode rule = yaml.readTree(GoHarness.repositoryRoot().resolve(RULES).toFile());
        assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
        Path dir = Files.createTempDirectory("prober-rules");
        // promtool reads Prometheus rule files: the PrometheusRule's spec is one.
        yaml.writeValue(dir.resolve("rules.yaml").toFile(), rule.path("spec"));
        Files.writeString(dir.resolve("tests.yaml"), TESTS);
        Process process = new ProcessBuilder(Promtool.path().toString(), "test", "rules", "tests.yaml")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(PROMTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(process.exitValue()).as("promtool test rules:\n%s", output).isZero();
    }
}

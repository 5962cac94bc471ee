package dev.waystation.relay.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.waystation.relay.tls.ProductionModeProfile;
import dev.waystation.testing.GoHarness;
import dev.waystation.testing.ManagementPort;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Every series the shipped Grafana dashboard queries is one the relay exports (in production mode, TLS). */
@QuarkusTest
@TestProfile(ProductionModeProfile.WithCertificate.class)
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("kubernetes/monitoring/grafana-dashboard.yaml");
    private static final Pattern SERIES = Pattern.compile("\\b([a-z][a-z0-9_]*)\\{");

    @Test
    void everyQueriedSeriesIsExported() throws Exception {
        JsonNode configMap = new YAMLMapper().readTree(GoHarness.repositoryRoot().resolve(DASHBOARD).toFile());
        JsonNode dashboard = new ObjectMapper().readTree(configMap.path("data").path("waystation-relay.json").asText());
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher series = SERIES.matcher(target.path("expr").asText());
                while (series.find()) {
                    queried.add(series.group(1));
                }
            }
        }
        assertThat(queried).as("series in the dashboard").hasSizeGreaterThan(10);

        String metrics = given().accept("text/plain; version=0.0.4").get(ManagementPort.url("/metrics")).then()
                .statusCode(200).extract().asString();
        for (String name : queried) {
            assertThat(metrics).as("/q/metrics exports %s (queried by %s)", name, DASHBOARD)
                    .containsPattern("(?m)^" + Pattern.quote(name) + "[{ ]");
        }
    }
}

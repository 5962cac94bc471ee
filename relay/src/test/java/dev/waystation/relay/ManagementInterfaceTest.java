package dev.waystation.relay;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import org.junit.jupiter.api.Test;

import dev.waystation.testing.ManagementPort;
import io.quarkus.test.junit.QuarkusTest;

/** Probes and Prometheus reach the relay on its management port. */
@QuarkusTest
class ManagementInterfaceTest {

    final String ready = ManagementPort.url("/health/ready");

    final String live = ManagementPort.url("/health/live");

    final String metrics = ManagementPort.url("/metrics");

    @Test
    void readinessAnswersUp() {
        given().get(ready).then().statusCode(200).body(containsString("\"UP\""));
    }

    @Test
    void livenessAnswersUp() {
        given().get(live).then().statusCode(200).body(containsString("\"UP\""));
    }

    @Test
    void metricsAreInPrometheusTextFormat() {
        given().accept("text/plain; version=0.0.4").get(metrics).then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }
}

package dev.waystation.relay.stun;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.waystation.testing.ManagementPort;
import io.quarkus.test.junit.QuarkusTest;

/** The runtime switches policy uses, and the metric names Prometheus scrapes. */
@QuarkusTest
class StunSwitchesTest {

    @Inject
    StunServer server;

    @Test
    void disablingClosesTheSocketsAndEnablingServesAgain() throws Exception {
        List<InetSocketAddress> before = server.boundAddresses();
        assertThat(before).hasSize(2);
        try {
            server.setEnabled(false).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(server.isEnabled()).isFalse();
            assertThat(server.boundAddresses()).isEmpty();
            CommandResult unanswered = StunProbe.run(before.get(0), 1, Duration.ofSeconds(2));
            assertThat(unanswered.exitCode()).as(unanswered.toString()).isEqualTo(1);
            given().get(ManagementPort.url("/health/ready")).then().statusCode(200);
        } finally {
            server.setEnabled(true).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        assertThat(server.boundAddresses()).hasSize(2);
        for (InetSocketAddress target : server.boundAddresses()) {
            CommandResult answered = StunProbe.run(target, 1, Duration.ofSeconds(5));
            assertThat(answered.exitCode()).as(answered.toString()).isZero();
        }
    }

    @Test
    void enablingTwiceIsHarmless() throws Exception {
        List<InetSocketAddress> before = server.boundAddresses();
        server.setEnabled(true).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(server.boundAddresses()).isEqualTo(before);
    }

    /** Text format 0.0.4 (what Prometheus asks for); label sets end in "," there, so only prefixes are matched. */
    @Test
    void metricsUseDerperNamesWithPrometheusSuffixes() {
        String body = given().accept("text/plain; version=0.0.4").get(ManagementPort.url("/metrics")).then()
                .statusCode(200).extract().asString();
        assertThat(body).contains("# TYPE stun_requests_total counter", "# TYPE stun_addrfamily_total counter",
                "# TYPE stun_dropped_total counter");
        for (String disposition : List.of("success", "not_stun", "read_error", "write_error")) {
            assertThat(body).contains("stun_requests_total{disposition=\"" + disposition + "\"");
        }
        for (String family : List.of("ipv4", "ipv6")) {
            assertThat(body).contains("stun_addrfamily_total{family=\"" + family + "\"");
        }
        for (String reason : List.of("not_stun", "wrong_type", "malformed", "not_tailscale", "bad_fingerprint",
                "unsupported_attribute")) {
            assertThat(body).contains("stun_dropped_total{reason=\"" + reason + "\"");
        }
    }
}

package dev.waystation.relay.stun;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

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
        given().accept("text/plain; version=0.0.4").get(ManagementPort.url("/metrics")).then().statusCode(200)
                .body(containsString("# TYPE stun_requests_total counter"))
                .body(containsString("stun_requests_total{disposition=\"success\""))
                .body(containsString("stun_requests_total{disposition=\"not_stun\""))
                .body(containsString("stun_requests_total{disposition=\"read_error\""))
                .body(containsString("stun_requests_total{disposition=\"write_error\""))
                .body(containsString("stun_addrfamily_total{family=\"ipv4\""))
                .body(containsString("stun_addrfamily_total{family=\"ipv6\""))
                .body(containsString("stun_dropped_total{reason=\"bad_fingerprint\""))
                .body(containsString("stun_dropped_total{reason=\"not_tailscale\""))
                .body(containsString("stun_dropped_total{reason=\"wrong_type\""))
                .body(containsString("stun_dropped_total{reason=\"not_stun\""))
                .body(containsString("stun_dropped_total{reason=\"malformed\""))
                .body(containsString("stun_dropped_total{reason=\"unsupported_attribute\""));
    }
}

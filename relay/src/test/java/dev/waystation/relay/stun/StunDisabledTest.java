package dev.waystation.relay.stun;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.waystation.relay.derp.DerpListeners;
import dev.waystation.relay.derp.ListenerSpec;
import dev.waystation.testing.GoCheck;
import dev.waystation.testing.ManagementPort;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code waystation.stun.enabled=false}: no STUN socket; the rest of the relay starts, is ready, and
 * relays packets between Tailscale's own DERP clients.
 */
@QuarkusTest
@TestProfile(StunDisabledTest.Disabled.class)
class StunDisabledTest {

    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("waystation.stun.enabled", "false");
        }
    }

    @Inject
    StunServer server;

    @Inject
    DerpListeners listeners;

    @Test
    void noSocketIsOpenAndTheRelayIsReady() {
        assertThat(server.isEnabled()).isFalse();
        assertThat(server.boundAddresses()).isEmpty();
        given().get(ManagementPort.url("/health/ready")).then().statusCode(200);
    }

    @Test
    void derpStillRelaysPackets() {
        String url = "http://127.0.0.1:" + listeners.port(ListenerSpec.DERP) + "/derp";
        GoCheck.Result exchange = GoCheck.run("derpcheck", 120, "exchange", url);
        assertThat(exchange.ok()).as("derpcheck exchange with STUN off:\n%s", exchange.output()).isTrue();
    }
}

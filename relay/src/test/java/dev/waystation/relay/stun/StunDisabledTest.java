package dev.waystation.relay.stun;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.waystation.testing.ManagementPort;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code waystation.stun.enabled=false}: no STUN socket, the rest of the relay starts and is ready. */
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

    @Test
    void noSocketIsOpenAndTheRelayIsReady() {
        assertThat(server.isEnabled()).isFalse();
        assertThat(server.boundAddresses()).isEmpty();
        given().get(ManagementPort.url("/health/ready")).then().statusCode(200);
    }
}

package dev.waystation.relay.tls;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.waystation.testing.ManagementPort;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A relay of a multi-node region (as the operator configures its StatefulSet pods) takes its own
 * hostname from node-hostnames by node-index: the certificate is valid for that name only, so the
 * relay is ready only if it picked it rather than {@code waystation.relay.hostname}.
 */
@QuarkusTest
@TestProfile(NodeHostnameTest.SecondNode.class)
class NodeHostnameTest {

    public static class SecondNode extends ProductionModeProfile.WithCertificate {
        @Override
        protected String directory() {
            return "node-hostname";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("waystation.relay.hostname", "not-this-one.test");
            config.put("waystation.relay.node-hostnames", "derp0.production.test," + HOSTNAME);
            config.put("waystation.relay.node-index", "1");
            return config;
        }
    }

    @Test
    void theRelayServesItsNodesHostname() {
        given().get(ManagementPort.url("/health/ready")).then().statusCode(200);
    }
}

package dev.waystation.relay.tls;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.ManagementPort;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Production mode with no certificate yet: the relay starts but is not ready (readiness names the
 * missing file), and turns ready once a valid pair appears, without a restart.
 */
@QuarkusTest
@TestProfile(CertificateReadinessTest.NoCertificateYet.class)
class CertificateReadinessTest {

    private static final String DIRECTORY = "certificate-readiness";

    public static class NoCertificateYet extends ProductionModeProfile {
        @Override
        protected String directory() {
            return DIRECTORY;
        }

        @Override
        protected boolean certificateAtStart() {
            return false;
        }
    }

    @Test
    void notReadyUntilTheCertificateIsThereThenReadyWithoutARestart() throws Exception {
        String ready = ManagementPort.url("/health/ready");
        given().get(ready).then().statusCode(503)
                .body(containsString("tls-certificate"))
                .body(containsString("certificate file missing"));

        Path dir = ProductionModeProfile.dir(DIRECTORY);
        PemFiles.write(new TestPki("readiness CA").issue(ProductionModeProfile.HOSTNAME, ProductionModeProfile.HOSTNAME),
                dir.resolve("tls.crt"), dir.resolve("tls.key"));

        Awaitility.await("ready after the certificate appeared").atMost(Duration.ofSeconds(20))
                .until(() -> given().get(ready).statusCode() == 200);
    }
}

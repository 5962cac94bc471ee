package dev.waystation.relay.tls;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.ManagementPort;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Production mode with no certificate yet: the relay starts but is not ready (readiness names the
 * missing file), and turns ready once a valid pair appears, without a restart.
 */
@QuarkusTest
@TestProfile(CertificateReadinessTest.NoCertificateYet.class)
class CertificateReadinessTest {

    private static final Path DIR = Path.of("target", "certificate-readiness").toAbsolutePath();
    private static final String HOSTNAME = "derp.readiness.test";

    public static class NoCertificateYet implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Files.createDirectories(DIR);
                Files.deleteIfExists(DIR.resolve("tls.crt"));
                Files.deleteIfExists(DIR.resolve("tls.key"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("waystation.relay.mode", "production",
                    "waystation.relay.host", "127.0.0.1",
                    "waystation.relay.http-port", "-1",
                    "waystation.relay.hostname", HOSTNAME,
                    "waystation.relay.key-file", DIR.resolve("derper.key").toString(),
                    "waystation.relay.tls.cert-file", DIR.resolve("tls.crt").toString(),
                    "waystation.relay.tls.key-file", DIR.resolve("tls.key").toString(),
                    "waystation.relay.tls.reload-check-interval", "1s");
        }
    }

    @Test
    void notReadyUntilTheCertificateIsThereThenReadyWithoutARestart() throws Exception {
        String ready = ManagementPort.url("/health/ready");
        given().get(ready).then().statusCode(503)
                .body(containsString("tls-certificate"))
                .body(containsString("certificate file missing"));

        PemFiles.write(new TestPki("readiness CA").issue(HOSTNAME, HOSTNAME), DIR.resolve("tls.crt"),
                DIR.resolve("tls.key"));

        Awaitility.await("ready after the certificate appeared").atMost(Duration.ofSeconds(20))
                .until(() -> given().get(ready).statusCode() == 200);
    }
}

package dev.waystation.relay.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Production mode (TLS DERP on an ephemeral loopback port, no plain-HTTP helper) with its key and
 * certificate files in {@code target/<directory>}: issued by a private CA before start, or absent.
 */
public abstract class ProductionModeProfile implements QuarkusTestProfile {

    public static final String HOSTNAME = "derp.production.test";

    /** The directory under {@code target/} holding {@code derper.key}, {@code tls.crt} and {@code tls.key}. */
    protected abstract String directory();

    /** Whether a valid certificate is there when the relay starts. */
    protected abstract boolean certificateAtStart();

    public static Path dir(String directory) {
        return Path.of("target", directory).toAbsolutePath();
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Path dir = dir(directory());
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve("tls.crt"));
            Files.deleteIfExists(dir.resolve("tls.key"));
            if (certificateAtStart()) {
                PemFiles.write(new TestPki("production CA").issue(HOSTNAME, HOSTNAME), dir.resolve("tls.crt"),
                        dir.resolve("tls.key"));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare " + dir, e);
        }
        return Map.of("waystation.relay.mode", "production",
                "waystation.relay.host", "127.0.0.1",
                "waystation.relay.http-port", "-1",
                "waystation.relay.hostname", HOSTNAME,
                "waystation.relay.key-file", dir.resolve("derper.key").toString(),
                "waystation.relay.tls.cert-file", dir.resolve("tls.crt").toString(),
                "waystation.relay.tls.key-file", dir.resolve("tls.key").toString(),
                "waystation.relay.tls.reload-check-interval", "1s");
    }

    /** With a valid certificate from the start. */
    public static class WithCertificate extends ProductionModeProfile {
        @Override
        protected String directory() {
            return "production-with-certificate";
        }

        @Override
        protected boolean certificateAtStart() {
            return true;
        }
    }
}

package dev.waystation.testing;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * URLs on the management interface of the Quarkus app under test. The build reserves a free port
 * per run ({@code quarkus.management.test-port}); {@code @TestHTTPResource(management = true)}
 * ignores it and assumes 9001, which collides when suites run side by side.
 */
public final class ManagementPort {

    private ManagementPort() {
    }

    public static int port() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
    }

    /** {@code path} below {@code /q}, e.g. {@code /health/ready}. */
    public static String url(String path) {
        return "http://localhost:" + port() + "/q" + path;
    }
}

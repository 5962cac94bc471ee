package dev.waystation.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/**
 * What every Waystation image must be, whichever application it carries: it runs the Quarkus
 * fast-jar with {@code java} and no shell, as a numeric non-root user, from {@code /deployments}.
 */
public final class QuarkusImageChecks {

    /** The user every Waystation container runs as (src/images/build-base.sh creates it). */
    public static final String USER = "65532:65532";
    public static final String APP_DIR = "/deployments";

    private QuarkusImageChecks() {
    }

    /** Checks the configuration and the layers; {@code artifactId} names the module's jar in {@code app/}. */
    public static void assertRunnableQuarkusImage(ImageTarball image, String artifactId) {
        assertThat(image.repoTags()).as("image name: -Dwaystation.image.reference")
                .containsExactly(System.getProperty("waystation.image.reference"));

        // Numeric user and group, not root: the kubelet can only verify runAsNonRoot for a numeric user.
        String user = image.containerConfig().path("User").asText();
        assertThat(user).isEqualTo(USER).matches("\\d+:\\d+");
        assertThat(user.split(":")[0]).isNotEqualTo("0");

        // java straight from the entrypoint, no shell in between.
        List<String> entrypoint = image.entrypoint();
        assertThat(entrypoint).isNotEmpty();
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint).noneMatch(arg -> arg.matches("(/usr)?/bin/(ba|da)?sh|-c"));
        assertThat(image.resolveOnPath(entrypoint.get(0))).as("java on the image's PATH " + image.env("PATH"))
                .isNotNull();
        assertThat(entrypoint).contains("-XX:MaxDirectMemorySize=256m")
                .endsWith("-jar", APP_DIR + "/quarkus-run.jar");
        assertThat(image.containerConfig().path("WorkingDir").asText()).isEqualTo(APP_DIR);
        assertThat(image.containerConfig().path("Cmd").isMissingNode() || image.containerConfig().path("Cmd").isNull()
                || image.containerConfig().path("Cmd").isEmpty()).as("no Cmd appended to the entrypoint").isTrue();

        // The fast-jar layout in the layers, and the user known to the image.
        assertThat(image.file(APP_DIR + "/quarkus-run.jar")).isNotNull();
        assertThat(image.file(APP_DIR + "/quarkus/quarkus-application.dat")).isNotNull();
        assertThat(image.paths()).as(artifactId + " jar in " + APP_DIR + "/app")
                .anyMatch(path -> path.matches("deployments/app/" + artifactId + "-[^/]+\\.jar"));
        assertThat(image.paths()).anyMatch(path -> path.startsWith("deployments/lib/main/io.quarkus.quarkus-core-"));
        assertThat(image.paths()).as("Jib's own class-path layout is filtered out").noneMatch(path -> path.startsWith("app/"));
        assertThat(image.file("/etc/passwd")).isNotNull();
        assertThat(image.file("/tmp")).isNotNull();
    }
}

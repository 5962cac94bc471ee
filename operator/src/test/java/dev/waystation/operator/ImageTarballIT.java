package dev.waystation.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.waystation.testing.ImageTarball;
import dev.waystation.testing.QuarkusImageChecks;

/** The operator image the package phase wrote (operator/target/jib-image.tar), opened without a container engine. */
class ImageTarballIT {

    @Test
    void runsTheOperatorAsNonRootWithoutAShell() throws Exception {
        ImageTarball image = ImageTarball.ofThisModule();
        QuarkusImageChecks.assertRunnableQuarkusImage(image, "waystation-operator");
        // The DERP map (HTTP) and management.
        assertThat(image.exposedPorts()).containsExactlyInAnyOrder("8080/tcp", "9000/tcp");
    }
}

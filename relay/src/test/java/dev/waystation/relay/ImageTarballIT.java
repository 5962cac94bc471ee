package dev.waystation.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.waystation.testing.ImageTarball;
import dev.waystation.testing.QuarkusImageChecks;

/** The relay image the package phase wrote (relay/target/jib-image.tar), opened without a container engine. */
class ImageTarballIT {

    @Test
    void runsTheRelayAsNonRootWithoutAShell() throws Exception {
        ImageTarball image = ImageTarball.ofThisModule();
        QuarkusImageChecks.assertRunnableQuarkusImage(image, "waystation-relay");
        // The container ports the operator configures: DERP, plain HTTP, STUN, management.
        assertThat(image.exposedPorts()).containsExactlyInAnyOrder("8443/tcp", "8080/tcp", "3478/udp", "9000/tcp");
        // Netty's natives (epoll, BoringSSL) link against these; without them the relay falls back to NIO.
        assertThat(image.paths()).anyMatch(path -> path.endsWith("/libdl.so.2"))
                .anyMatch(path -> path.endsWith("/librt.so.1"))
                .anyMatch(path -> path.endsWith("/libpthread.so.0"));
    }
}

package dev.waystation.operator.region;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/**
 * The relay pod's security settings: what the "restricted" Pod Security Standard asks (non-root,
 * numeric user, default seccomp profile, no privilege escalation, no capabilities) plus a read-only
 * root file system. The relay needs no capability: behind a Service it listens on unprivileged
 * container ports ({@link RelayPorts}) and the Service maps 443/80/3478 onto them.
 */
final class RelayPodSecurity {

    /** The image's user and group (src/images/build-base.sh). */
    static final long USER = 65532;
    static final String TMP_VOLUME = "tmp";
    static final String TMP_DIR = "/tmp";
    /** Bound of the writable /tmp: Netty's native libraries (a few MB) and the JVM's small files. */
    static final String TMP_SIZE_LIMIT = "64Mi";

    private RelayPodSecurity() {
    }

    static PodSecurityContext pod() {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(USER)
                .withRunAsGroup(USER)
                // Mounted Secrets (TLS, mesh key) become readable by the relay's group.
                .withFsGroup(USER)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    static SecurityContext container() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .build();
    }

    static Volume tmpVolume() {
        return new VolumeBuilder().withName(TMP_VOLUME)
                .withNewEmptyDir().withSizeLimit(new Quantity(TMP_SIZE_LIMIT)).endEmptyDir().build();
    }

    static VolumeMount tmpMount() {
        return new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath(TMP_DIR).build();
    }
}

package dev.waystation.relay.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Starts the relay on a policy file laid out the way the kubelet mounts a ConfigMap: the data in a
 * timestamped directory, {@code ..data} pointing at it, {@code policy.yaml} a symlink through it.
 */
public class PolicyFileProfile implements QuarkusTestProfile {

    static final String REGION = "test-region";
    static final Path MOUNT = createMount();
    static final String FILE_NAME = "policy.yaml";
    private static int versions;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("waystation.policy.file", MOUNT.resolve(FILE_NAME).toString(),
                "waystation.policy.region", REGION,
                "waystation.policy.file-recheck", "30s");
    }

    /** Publishes {@code content} as the kubelet does: new directory, then {@code ..data} renamed over. */
    static synchronized void swap(String content) {
        try {
            Path version = MOUNT.resolve("..2026_11_28_00_00_0" + versions++ + ".1");
            Files.createDirectory(version);
            Files.writeString(version.resolve(FILE_NAME), content);
            Path tmp = MOUNT.resolve("..data_tmp");
            Files.createSymbolicLink(tmp, version.getFileName());
            Files.move(tmp, MOUNT.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String FIRST = """
            version: 1
            sources:
              - name: cm/fleet
                scope: Device
                mandatory:
                  STUN.Enabled: false
                  Admission.DeniedClients: ["nodekey:ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB"]
              - name: cm/region
                scope: Profile(test-region)
                recommended:
                  Admission.AcceptBurst: 50
                  STUN.Enabled: true
            """;

    private static Path createMount() {
        try {
            Path mount = Files.createTempDirectory("waystation-policy-mount");
            mount.toFile().deleteOnExit();
            Path version = mount.resolve("..2026_11_27_23_59_59.0");
            Files.createDirectory(version);
            Files.writeString(version.resolve(FILE_NAME), FIRST);
            Files.createSymbolicLink(mount.resolve("..data"), version.getFileName());
            Files.createSymbolicLink(mount.resolve(FILE_NAME), Path.of("..data").resolve(FILE_NAME));
            return mount;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

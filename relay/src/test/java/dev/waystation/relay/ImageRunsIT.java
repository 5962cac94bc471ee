package dev.waystation.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay image's own file system runs the relay as a pod would: unpacked from
 * relay/target/jib-image.tar, entered with {@code chroot} as user 65532 in a private mount and PID
 * namespace, root file system read-only, {@code /tmp} and the state directory writable. Proves that
 * the base image carries what the JVM and Netty's natives link against (a missing library would
 * make Netty fall back to NIO, or the JDK's TLS engine replace BoringSSL, silently). Needs root
 * (for the namespaces and chroot), as the build machines and CI have.
 */
class ImageRunsIT {

    private static final Duration START = Duration.ofSeconds(120);

    @Test
    void relayStartsFromItsImageOnAReadOnlyRoot(@TempDir Path work) throws Exception {
        Path root = unpack(Path.of(System.getProperty("waystation.image.tarball")), work);
        Files.createDirectories(root.resolve("var/lib/waystation"));
        for (String mountPoint : List.of("proc", "dev")) {
            Files.createDirectories(root.resolve(mountPoint));
        }
        // What the kubelet and runc do for the pod, in shell: a read-only root with volumes on it.
        String script = String.join(" && ",
                "mount --bind \"$ROOT\" \"$ROOT\"",
                "mount -t proc proc \"$ROOT/proc\"",
                "mount --bind /dev \"$ROOT/dev\"",
                "mount -t tmpfs -o size=64m tmpfs \"$ROOT/tmp\"",
                "mount -t tmpfs -o mode=1777 tmpfs \"$ROOT/var/lib/waystation\"",
                "mount -o remount,bind,ro \"$ROOT\"",
                // In the background, so bash stays the namespace's init (no exec): killing it
                // (unshare's --kill-child) ends the namespace and the relay with it, though the
                // relay changed its user, which clears its own parent-death signal.
                "{ env -i PATH=/opt/java/bin WAYSTATION_RELAY_MODE=production WAYSTATION_RELAY_HOSTNAME=127.0.0.1"
                        + " WAYSTATION_RELAY_TLS_CERT_MODE=manual WAYSTATION_RELAY_PORT=0 WAYSTATION_RELAY_HTTP_PORT=-1"
                        + " WAYSTATION_STUN_PORT=0 QUARKUS_MANAGEMENT_PORT=0"
                        + " WAYSTATION_RELAY_KEY_FILE=/var/lib/waystation/derper.key"
                        + " \"$(command -v chroot)\" --userspec=65532:65532 \"$ROOT\" java -XX:MaxDirectMemorySize=256m"
                        + " -jar /deployments/quarkus-run.jar & wait $!; }");
        Path log = work.resolve("relay.log");
        ProcessBuilder builder = new ProcessBuilder("unshare", "--mount", "--pid", "--fork", "--kill-child",
                "bash", "-c", script).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("ROOT", root.toString());
        Process relay = builder.start();
        try {
            await().atMost(START).pollInterval(Duration.ofMillis(200)).failFast("the relay exited", () -> !relay.isAlive())
                    .untilAsserted(() -> assertThat(Files.readString(log)).contains("started in"));
            assertThat(Files.readString(log))
                    .contains("network transport: native (epoll)")
                    .contains("DERP TLS runs on the OpenSSL engine (BoringSSL)")
                    .contains("generated a self-signed certificate for IP address 127.0.0.1")
                    .doesNotContain("Read-only file system");
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("the relay from the image did not start as expected; its log:\n"
                    + Files.readString(log), e);
        } finally {
            List<ProcessHandle> inside = relay.descendants().toList();
            relay.destroyForcibly();
            relay.waitFor(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(inside).as("every process of the relay's namespace ended").noneMatch(ProcessHandle::isAlive));
        }
    }

    /** The image's layers, in order, into {@code work/root} (GNU tar, as a container runtime would). */
    private static Path unpack(Path tarball, Path work) throws Exception {
        Path archive = Files.createDirectories(work.resolve("archive"));
        run(List.of("tar", "-xf", tarball.toString(), "-C", archive.toString()));
        JsonNode manifest = new ObjectMapper().readTree(archive.resolve("manifest.json").toFile()).get(0);
        Path root = Files.createDirectories(work.resolve("root"));
        for (JsonNode layer : manifest.get("Layers")) {
            run(List.of("tar", "-xf", archive.resolve(layer.asText()).toString(), "-C", root.toString()));
        }
        return root;
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(new File("/dev/null")).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
    }
}

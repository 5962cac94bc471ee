package dev.waystation.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds the Go interop harness in {@code src/interop} (Tailscale's own client packages) on demand
 * and hands out paths to its commands. Shared by the relay and operator test suites through this
 * module's test-jar.
 *
 * <p>A missing Go toolchain is a test failure with instructions, never a skip: interop is the proof.
 */
public final class GoHarness {

    private static final long BUILD_TIMEOUT_MINUTES = 15;
    private static Path builtBinDir;
    private static final Map<String, Path> builtPackages = new HashMap<>();

    private GoHarness() {
    }

    /** The repository root: {@code -Dwaystation.root} (set by the build) or the nearest parent holding {@code src/interop}. */
    public static Path repositoryRoot() {
        String configured = System.getProperty("waystation.root");
        if (configured != null && Files.isDirectory(Path.of(configured, "src", "interop"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("src/interop/go.mod"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the Waystation repository root (no src/interop/go.mod above "
                + Path.of("").toAbsolutePath() + "); run the tests through ./mvnw from the repository");
    }

    /** Path of one harness command (for example {@code keygen}), building the harness first if needed. */
    public static Path command(String name) {
        Path binary = binDir().resolve(name);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("the Go harness has no command '" + name + "' (looked for " + binary
                    + "); commands live in src/interop/cmd/<name>");
        }
        return binary;
    }

    /** Builds every command under {@code src/interop/cmd} into {@code src/interop/target/bin}, once per JVM. */
    public static synchronized Path binDir() {
        if (builtBinDir != null) {
            return builtBinDir;
        }
        Path module = repositoryRoot().resolve("src/interop");
        Path bin = module.resolve("target/bin");
        try {
            Files.createDirectories(bin);
            run(module, List.of(goExecutable(), "build", "-o", bin + "/", "./cmd/..."));
        } catch (IOException e) {
            throw new IllegalStateException("building the Go interop harness failed: " + e.getMessage(), e);
        }
        builtBinDir = bin;
        return bin;
    }

    /**
     * Builds one Go package of the interop module's build list (a command of {@code src/interop/cmd}, or a
     * tool such as {@code tailscale.com/cmd/derpprobe} at the version go.mod pins) into
     * {@code src/interop/target/bin/<name>}, once per JVM per name; {@code goBuildFlags} go before the
     * package (for example {@code -tags}).
     */
    public static synchronized Path build(String name, String packagePath, String... goBuildFlags) {
        return buildInModule("src/interop", name, packagePath, goBuildFlags);
    }

    /**
     * As {@link #build}, for another Go module of the repository ({@code moduleDir} relative to the root,
     * for example {@code src/pebble}), into {@code <moduleDir>/target/bin/<name>}.
     */
    public static synchronized Path buildInModule(String moduleDir, String name, String packagePath,
            String... goBuildFlags) {
        Path built = builtPackages.get(moduleDir + ":" + name);
        if (built != null) {
            return built;
        }
        Path module = repositoryRoot().resolve(moduleDir);
        Path binary = module.resolve("target/bin").resolve(name);
        try {
            Files.createDirectories(binary.getParent());
            List<String> command = new ArrayList<>(List.of(goExecutable(), "build", "-o", binary.toString()));
            command.addAll(List.of(goBuildFlags));
            command.add(packagePath);
            run(module, command);
        } catch (IOException e) {
            throw new IllegalStateException("building " + packagePath + " failed: " + e.getMessage(), e);
        }
        builtPackages.put(moduleDir + ":" + name, binary);
        return binary;
    }

    /**
     * Runs {@code go test -count=1 packages} in one Go module of the repository ({@code moduleDir} relative to
     * the root); a failing test fails the caller with go's output.
     */
    public static void test(String moduleDir, String packages) {
        Path module = repositoryRoot().resolve(moduleDir);
        try {
            run(module, List.of(goExecutable(), "test", "-count=1", packages));
        } catch (IOException e) {
            throw new AssertionError("go test " + packages + " in " + moduleDir + " failed: " + e.getMessage(), e);
        }
    }

    /** The {@code go} command: {@code $GO} if set, else {@code go} on the PATH; fails with install help when absent. */
    public static String goExecutable() {
        String explicit = System.getenv("GO");
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "go"))) {
                return Path.of(dir, "go").toString();
            }
        }
        for (String candidate : List.of("/usr/local/go/bin/go", "/usr/lib/go/bin/go")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("the Go toolchain (1.26 or newer) is required by the interop tests but "
                + "'go' is not on the PATH. Install it (Debian: apt-get install golang-go, or the go.dev tarball) "
                + "or point the GO environment variable at the go binary, then run the tests again.");
    }

    private static void run(Path dir, List<String> command) throws IOException {
        Path log = Files.createTempFile("go-build", ".log");
        List<String> cmd = new ArrayList<>(command);
        Process process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("'" + String.join(" ", cmd) + "' did not finish within "
                        + BUILD_TIMEOUT_MINUTES + " minutes");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + cmd, e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("'" + String.join(" ", cmd) + "' in " + dir + " exited with " + process.exitValue()
                    + ":\n" + Files.readString(log));
        }
    }
}

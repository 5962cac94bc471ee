package dev.waystation.relay.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own {@code promtool}, the judge of our exposition format. Installed from Debian's
 * {@code prometheus} package (the only one shipping it) when missing; a failed install fails the test.
 */
public final class Promtool {

    private static final List<Path> LOCATIONS = List.of(Path.of("/usr/bin/promtool"), Path.of("/usr/local/bin/promtool"));
    private static final long INSTALL_TIMEOUT_MINUTES = 15;

    /** Exit code and output of {@code promtool check metrics}. */
    public record Verdict(int exitCode, String output) {
    }

    private Promtool() {
    }

    public static synchronized Path path() {
        for (Path candidate : LOCATIONS) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        run(List.of("apt-get", "update"));
        // Only promtool is needed: skip recommended packages; don't start the Prometheus service.
        run(List.of("env", "DEBIAN_FRONTEND=noninteractive", "RUNLEVEL=1", "apt-get", "install", "-y",
                "--no-install-recommends", "prometheus"));
        for (Path candidate : LOCATIONS) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("apt-get installed the prometheus package but no promtool appeared in "
                + LOCATIONS);
    }

    /** Feeds {@code exposition} to {@code promtool check metrics} on stdin. */
    public static Verdict checkMetrics(String exposition) {
        try {
            Process process = new ProcessBuilder(path().toString(), "check", "metrics").redirectErrorStream(true).start();
            process.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("promtool check metrics did not finish within 60 s");
            }
            return new Verdict(process.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run promtool: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void run(List<String> command) {
        try {
            Path log = Files.createTempFile("apt", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in time");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("installing promtool failed: '" + String.join(" ", command)
                        + "' exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + " (promtool comes from Debian's prometheus "
                    + "package; install it with apt-get install prometheus)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package dev.waystation.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the project's tool-build scripts (they build a tool once, cache it, and print its
 * path on their last line of stdout; progress goes to stderr, which the test log shows).
 */
public final class ToolScript {

    private ToolScript() {
    }

    /** Runs {@code script} (relative to the repository root) and returns the path it printed last. */
    public static Path run(String script, long timeoutMinutes) {
        Path path = GoHarness.repositoryRoot().resolve(script);
        try {
            Path log = Files.createTempFile("tool-build", ".log");
            Process process = new ProcessBuilder("bash", path.toString())
                    .redirectOutput(log.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " did not finish within " + timeoutMinutes + " minutes");
            }
            List<String> lines = Files.readAllLines(log);
            Files.deleteIfExists(log);
            if (process.exitValue() != 0 || lines.isEmpty()) {
                throw new IllegalStateException(script + " failed (exit " + process.exitValue()
                        + "); its messages above say why");
            }
            return Path.of(lines.get(lines.size() - 1).trim());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    /** Runs a built tool and returns its standard output; its exit status must be 0. */
    public static String output(List<String> command, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("tool-out", ".txt");
            Path err = Files.createTempFile("tool-err", ".txt");
            try {
                Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(command + " did not finish within " + timeoutSeconds + " s");
                }
                if (process.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
                            + Files.readString(err));
                }
                return Files.readString(out);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}

package dev.waystation.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;


/** Runs a command of the Go interop harness ({@code src/interop/cmd/<name>}) and reports its outcome. */
public final class GoCheck {

    /** Exit code and combined output of one run. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** A started command; its output goes to a temporary file. */
    public record Running(Process process, Path log) implements AutoCloseable {

        public String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(output unavailable: " + e + ")";
            }
        }

        /** Whether the command printed a line starting with {@code word} (e.g. derpclient's "DISCONNECTED"). */
        public boolean said(String word) {
            return output().lines().anyMatch(line -> line.startsWith(word));
        }

        /** Kills the command if it still runs. */
        @Override
        public void close() {
            process.destroyForcibly();
        }

        /** Waits at most {@code timeoutSeconds}, killing the command after that. */
        public Result await(long timeoutSeconds) {
            try {
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                    return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + output());
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                return new Result(-1, "interrupted\n" + output());
            }
            return new Result(process.exitValue(), output());
        }
    }

    private GoCheck() {
    }

    /** Runs {@code command args...} to completion, at most {@code timeoutSeconds}. */
    public static Result run(String command, long timeoutSeconds, String... args) {
        return start(command, args).await(timeoutSeconds);
    }

    /** Runs harness {@code command} with extra environment variables (e.g. {@code SSL_CERT_FILE}). */
    public static Result run(String command, Map<String, String> env, long timeoutSeconds, String... args) {
        return start(GoHarness.command(command), env, args).await(timeoutSeconds);
    }

    /** Runs a binary built by {@link GoHarness#build} with extra environment variables. */
    public static Result run(Path binary, Map<String, String> env, long timeoutSeconds, String... args) {
        return start(binary, env, args).await(timeoutSeconds);
    }

    /** Starts {@code command args...} without waiting. */
    public static Running start(String command, String... args) {
        return start(GoHarness.command(command), Map.of(), args);
    }

    /** Starts {@code binary args...} with extra environment variables, without waiting. */
    public static Running start(Path binary, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("go-" + binary.getFileName(), ".log");
            log.toFile().deleteOnExit();
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            return new Running(process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        }
    }

    /**
     * One Tailscale DERP client ({@code derpclient hold}) that stays connected to {@code derpUrl} for
     * {@code seconds}; returns once it is connected (its "CONNECTED" line), fails with its output if it
     * does not connect within 30 s.
     */
    public static Running holdConnection(String derpUrl, String privateKey, int seconds) {
        Running held = start("derpclient", "hold", derpUrl, privateKey, Integer.toString(seconds));
        Awaitility.await("derpclient connected to " + derpUrl).atMost(Duration.ofSeconds(30))
                .until(() -> held.said("CONNECTED") || !held.process().isAlive());
        if (!held.said("CONNECTED")) {
            held.close();
            throw new AssertionError("derpclient hold did not connect to " + derpUrl + ":\n" + held.output());
        }
        return held;
    }

    /** A fresh node key pair from Tailscale's own key package ({@code cmd/keygen}): [privkey:..., nodekey:...]. */
    public static List<String> newNodeKeyPair() {
        Result keygen = run("keygen", 30);
        if (!keygen.ok()) {
            throw new IllegalStateException("keygen failed: " + keygen.output());
        }
        return keygen.output().lines().filter(l -> l.startsWith("privkey:") || l.startsWith("nodekey:")).toList();
    }
}

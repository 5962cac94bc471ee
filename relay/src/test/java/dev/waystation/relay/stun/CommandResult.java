package dev.waystation.relay.stun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external command to completion (or kills it at the deadline) and keeps its output. */
record CommandResult(List<String> command, int exitCode, boolean timedOut, String output) {

    static CommandResult run(Duration deadline, List<String> command) {
        try {
            Path log = Files.createTempFile("stun-test", ".log");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                        .start();
                boolean finished = process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    process.destroyForcibly().waitFor();
                }
                return new CommandResult(command, finished ? process.exitValue() : -1, !finished,
                        Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> " + (timedOut ? "killed at deadline" : "exit " + exitCode) + "\n" + output;
    }
}

package dev.waystation.testing;

/**
 * Exit code and combined stdout/stderr of one run of the real {@code kubectl} (or of another command
 * the test clusters run, such as {@code ctr} or a harness command inside the node's namespace).
 */
public record KubectlResult(String command, int exitCode, String output) {

    /** This result, or an assertion error carrying kubectl's output when it failed. */
    public KubectlResult assertSuccess() {
        if (exitCode != 0) {
            throw new AssertionError(command + " exited with " + exitCode + ":\n" + output);
        }
        return this;
    }
}

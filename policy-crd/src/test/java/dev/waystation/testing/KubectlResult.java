package dev.waystation.testing;

/** Exit code and combined stdout/stderr of one run of the real {@code kubectl}. */
public record KubectlResult(String arguments, int exitCode, String output) {

    /** This result, or an assertion error carrying kubectl's output when it failed. */
    public KubectlResult assertSuccess() {
        if (exitCode != 0) {
            throw new AssertionError("kubectl " + arguments + " exited with " + exitCode + ":\n" + output);
        }
        return this;
    }
}

package dev.waystation.relay;

import org.junit.jupiter.api.Test;

import dev.waystation.testing.GoHarness;

/**
 * The Go tests of the interop harness's own commands (the benchmark's load generator batches its
 * writes under Tailscale's client; those tests prove it never changes the bytes): the suite runs
 * every test there is, Go ones included.
 */
class LoadGeneratorGoTestsIT {

    @Test
    void interopCommandsPassTheirGoTests() {
        GoHarness.test("src/interop", "./cmd/...");
    }
}

package dev.waystation.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The harness builds from a clean checkout and its binaries speak Tailscale's key formats. */
class GoHarnessTest {

    @Test
    void buildsHarnessAndProducesTailscaleKeys() throws Exception {
        Process keygen = new ProcessBuilder(GoHarness.command("keygen").toString()).start();
        assertThat(keygen.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                .lines().toList();

        assertThat(keygen.exitValue()).isZero();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("privkey:[0-9a-f]{64}");
        assertThat(lines.get(1)).matches("nodekey:[0-9a-f]{64}");
    }

    @Test
    void buildsOnePackageWithExtraFlags() throws Exception {
        Path binary = GoHarness.build("keygen-with-tags", "./cmd/keygen", "-tags", "ts_debug_websockets");
        assertThat(binary).endsWith(Path.of("target/bin/keygen-with-tags"));
        Process keygen = new ProcessBuilder(binary.toString()).start();
        assertThat(keygen.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keygen.exitValue()).isZero();
        assertThat(GoHarness.build("keygen-with-tags", "./cmd/keygen")).isSameAs(binary);
    }
}

package dev.waystation.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

/**
 * Let's Encrypt's Pebble test CA and its DNS server pebble-challtestsrv (built from {@code src/pebble}
 * at the version its go.mod pins), on 127.0.0.1 ports of their own: on the host's loopback
 * ({@link #onLoopback}) or inside the test node's network namespace ({@link #inNode}), where pods on
 * the host network reach the same loopback. Every name resolves to one validation address, where
 * Pebble validates HTTP-01 on {@code httpPort} and TLS-ALPN-01 on {@code tlsPort}: the relay's plain
 * helper and DERP TLS listener. Its API certificate is signed by Pebble's fixed test CA
 * ({@code test/certs/pebble.minica.pem} in the module), its issuing root is fresh per run.
 */
public final class PebbleCa implements AutoCloseable {

    private static final String MODULE = "src/pebble";
    private static final String PEBBLE = "github.com/letsencrypt/pebble/v2/cmd/pebble";
    private static final String CHALLTESTSRV = "github.com/letsencrypt/pebble/v2/cmd/pebble-challtestsrv";
    private static final Pattern ORDER_ADDED = Pattern.compile("Added order \"[^\"]+\" to the db");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ROOT_TIMEOUT = Duration.ofSeconds(30);
    private static final String LISTEN_HOST = "127.0.0.1";

    private final List<String> launcher;
    private final Process dns;
    private final Process pebble;
    private final Path log;
    private final Path apiCa;
    private final int acmePort;
    private final int managementPort;

    /**
     * On the host's loopback, validating at 127.0.0.1.
     *
     * @param validitySeconds lifetime of issued certificates
     * @param environment extra environment of the pebble process (its {@code PEBBLE_*} fault knobs)
     */
    public static PebbleCa onLoopback(Path dir, int httpPort, int tlsPort, long validitySeconds,
            Map<String, String> environment) throws IOException {
        return new PebbleCa(dir, List.of(), LISTEN_HOST, httpPort, tlsPort, validitySeconds, environment);
    }

    /** In the test node's network namespace, validating at the node's IP (host-network relays bind there). */
    public static PebbleCa inNode(KubeNode node, Path dir, int httpPort, int tlsPort, long validitySeconds)
            throws IOException {
        return new PebbleCa(dir, node.namespaced(), node.nodeIp(), httpPort, tlsPort, validitySeconds, Map.of());
    }

    private PebbleCa(Path dir, List<String> launcher, String validationIp, int httpPort, int tlsPort,
            long validitySeconds, Map<String, String> environment) throws IOException {
        this.launcher = List.copyOf(launcher);
        Path pebbleBinary = GoHarness.buildInModule(MODULE, "pebble", PEBBLE);
        Path dnsBinary = GoHarness.buildInModule(MODULE, "pebble-challtestsrv", CHALLTESTSRV);
        Path moduleDir = pebbleModuleDir();
        apiCa = moduleDir.resolve("test/certs/pebble.minica.pem");
        acmePort = freePort();
        managementPort = freePort();
        int dnsPort = freePort();
        Path config = dir.resolve("pebble-config.json");
        Files.writeString(config, """
                {"pebble": {
                  "listenAddress": "%s:%d",
                  "managementListenAddress": "%s:%d",
                  "certificate": "%s",
                  "privateKey": "%s",
                  "httpPort": %d,
                  "tlsPort": %d,
                  "ocspResponderURL": "",
                  "externalAccountBindingRequired": false,
                  "retryAfter": {"authz": 1, "order": 1},
                  "keyAlgorithm": "ecdsa",
                  "profiles": {"default": {"description": "test", "validityPeriod": %d}}
                }}
                """.formatted(LISTEN_HOST, acmePort, LISTEN_HOST, managementPort,
                moduleDir.resolve("test/certs/localhost/cert.pem"), moduleDir.resolve("test/certs/localhost/key.pem"),
                httpPort, tlsPort, validitySeconds));
        log = dir.resolve("pebble.log");
        dns = new ProcessBuilder(launched(dnsBinary.toString(), "-dnsserver", LISTEN_HOST + ":" + dnsPort,
                "-defaultIPv4", validationIp, "-defaultIPv6", "", "-http01", "", "-https01", "", "-tlsalpn01", "",
                "-doh", "", "-management", LISTEN_HOST + ":" + freePort())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("challtestsrv.log").toFile()).start();
        ProcessBuilder builder = new ProcessBuilder(launched(pebbleBinary.toString(), "-config", config.toString(),
                "-dnsserver", LISTEN_HOST + ":" + dnsPort, "-strict=false")).directory(moduleDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PEBBLE_VA_NOSLEEP", "1");
        builder.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        builder.environment().putAll(environment);
        pebble = builder.start();
        Awaitility.await("Pebble listening on " + acmePort).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!pebble.isAlive()) {
                        throw new IllegalStateException("pebble exited with " + pebble.exitValue() + ":\n" + logText());
                    }
                    return logText().contains("Listening on: " + LISTEN_HOST + ":" + acmePort);
                });
    }

    private List<String> launched(String... command) {
        List<String> full = new ArrayList<>(launcher);
        full.addAll(List.of(command));
        return full;
    }

    private static Path pebbleModuleDir() throws IOException {
        Process list = new ProcessBuilder(GoHarness.goExecutable(), "list", "-m", "-f", "{{.Dir}}",
                "github.com/letsencrypt/pebble/v2").directory(GoHarness.repositoryRoot().resolve(MODULE).toFile())
                .redirectErrorStream(true).start();
        String out = new String(list.getInputStream().readAllBytes()).trim();
        try {
            if (!list.waitFor(2, TimeUnit.MINUTES) || list.exitValue() != 0) {
                throw new IOException("go list of the Pebble module failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return Path.of(out);
    }

    /** The ACME directory, at an address Pebble's API certificate covers. */
    public String directoryUrl() {
        return "https://" + LISTEN_HOST + ":" + acmePort + "/dir";
    }

    /** The fixed test CA that signed Pebble's own API certificate (the relay's {@code acme.ca-file}). */
    public Path apiCaFile() {
        return apiCa;
    }

    /**
     * A production relay in ACME mode for {@code hostname} on the ports this Pebble validates, trusting
     * Pebble's API certificate, with short retry delays; storage and key file are the caller's.
     */
    public Map<String, String> relayConfig(String hostname, int derpPort, int httpPort, String challengeTypes) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("waystation.relay.mode", "production");
        config.put("waystation.relay.host", LISTEN_HOST);
        config.put("waystation.relay.port", Integer.toString(derpPort));
        config.put("waystation.relay.http-port", Integer.toString(httpPort));
        config.put("waystation.relay.hostname", hostname);
        config.put("waystation.relay.tls.cert-mode", "acme");
        config.put("waystation.relay.tls.acme.directory-url", directoryUrl());
        config.put("waystation.relay.tls.acme.ca-file", apiCaFile().toString());
        config.put("waystation.relay.tls.acme.email", "relay-admin@example.com");
        config.put("waystation.relay.tls.acme.challenge-types", challengeTypes);
        config.put("waystation.relay.tls.acme.retry-min", "1s");
        config.put("waystation.relay.tls.acme.retry-max", "4s");
        config.put("waystation.relay.tls.acme.order-timeout", "30s");
        return config;
    }

    /**
     * Writes the root that signs issued certificates (fresh per Pebble run) as PEM to {@code file}, fetched
     * from Pebble's management API with curl where Pebble runs (its loopback may be the node's).
     */
    public Path writeIssuingRoot(Path file) throws IOException {
        KubectlResult root = ProcessRun.run(launched("curl", "-sS", "--fail", "--cacert", apiCa.toString(),
                "https://" + LISTEN_HOST + ":" + managementPort + "/roots/0"), "Pebble /roots/0", ROOT_TIMEOUT);
        if (root.exitCode() != 0 || !root.output().contains("BEGIN CERTIFICATE")) {
            throw new IOException("Pebble /roots/0 failed (" + root.exitCode() + "): " + root.output());
        }
        Files.writeString(file, root.output());
        return file;
    }

    /** Orders Pebble has created so far (from its log): the CA-side proof of whether a relay ordered. */
    public int ordersCreated() {
        Matcher matcher = ORDER_ADDED.matcher(logText());
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port free on the host's loopback (in the node's namespace nothing else binds these either). */
    public static int freePort() {
        return LoopbackPorts.free();
    }

    @Override
    public void close() {
        for (Process process : new Process[] {pebble, dns}) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}

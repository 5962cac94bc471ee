package dev.waystation.relay.tls.acme;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.awaitility.Awaitility;

import dev.waystation.testing.GoHarness;
import dev.waystation.testing.LoopbackPorts;

/**
 * Let's Encrypt's Pebble test CA and its DNS server pebble-challtestsrv (built from {@code src/pebble}
 * at the version its go.mod pins), on loopback ports of their own. Every name resolves to 127.0.0.1,
 * and Pebble validates HTTP-01 on {@code httpPort} and TLS-ALPN-01 on {@code tlsPort}: the relay's
 * plain helper and DERP TLS listener. Its API certificate is signed by Pebble's fixed test CA
 * ({@code test/certs/pebble.minica.pem} in the module), its issuing root is fresh per run.
 */
final class PebbleCa implements AutoCloseable {

    private static final String MODULE = "src/pebble";
    private static final String PEBBLE = "github.com/letsencrypt/pebble/v2/cmd/pebble";
    private static final String CHALLTESTSRV = "github.com/letsencrypt/pebble/v2/cmd/pebble-challtestsrv";
    private static final Pattern ORDER_ADDED = Pattern.compile("Added order \"[^\"]+\" to the db");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process dns;
    private final Process pebble;
    private final Path log;
    private final Path apiCa;
    private final int acmePort;
    private final int managementPort;

    /**
     * @param validitySeconds lifetime of issued certificates
     * @param environment extra environment of the pebble process (its {@code PEBBLE_*} fault knobs)
     */
    PebbleCa(Path dir, int httpPort, int tlsPort, long validitySeconds, Map<String, String> environment)
            throws IOException {
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
                  "listenAddress": "127.0.0.1:%d",
                  "managementListenAddress": "127.0.0.1:%d",
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
                """.formatted(acmePort, managementPort, moduleDir.resolve("test/certs/localhost/cert.pem"),
                moduleDir.resolve("test/certs/localhost/key.pem"), httpPort, tlsPort, validitySeconds));
        log = dir.resolve("pebble.log");
        dns = new ProcessBuilder(dnsBinary.toString(), "-dnsserver", "127.0.0.1:" + dnsPort, "-defaultIPv4",
                "127.0.0.1", "-defaultIPv6", "", "-http01", "", "-https01", "", "-tlsalpn01", "", "-doh", "",
                "-management", "127.0.0.1:" + freePort()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("challtestsrv.log").toFile()).start();
        ProcessBuilder builder = new ProcessBuilder(pebbleBinary.toString(), "-config", config.toString(),
                "-dnsserver", "127.0.0.1:" + dnsPort, "-strict=false").directory(moduleDir.toFile())
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
                    return logText().contains("Listening on: 127.0.0.1:" + acmePort);
                });
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

    String directoryUrl() {
        return "https://127.0.0.1:" + acmePort + "/dir";
    }

    /**
     * A production relay in ACME mode for {@code hostname} on the ports this Pebble validates, trusting
     * Pebble's API certificate, with short retry delays; storage and key file are the caller's.
     */
    Map<String, String> relayConfig(String hostname, int derpPort, int httpPort, String challengeTypes) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("waystation.relay.mode", "production");
        config.put("waystation.relay.host", "127.0.0.1");
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

    /** The fixed test CA that signed Pebble's own API certificate (the relay's {@code acme.ca-file}). */
    Path apiCaFile() {
        return apiCa;
    }

    /** Writes the root that signs issued certificates (fresh per Pebble run) as PEM to {@code file}. */
    Path writeIssuingRoot(Path file) throws Exception {
        HttpResponse<String> root = HttpClient.newBuilder().sslContext(trusting(apiCa)).build().send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + managementPort + "/roots/0")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (root.statusCode() != 200) {
            throw new IOException("Pebble /roots/0 answered " + root.statusCode());
        }
        Files.writeString(file, root.body());
        return file;
    }

    /** Orders Pebble has created so far (from its log): the CA-side proof of whether a relay ordered. */
    int ordersCreated() {
        Matcher matcher = ORDER_ADDED.matcher(logText());
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            List<Certificate> cas = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca" + i, cas.get(i));
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    static int freePort() {
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

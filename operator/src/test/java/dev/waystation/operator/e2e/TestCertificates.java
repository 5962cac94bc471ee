package dev.waystation.operator.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import dev.waystation.testing.ProcessRun;

/**
 * A throw-away CA and one server certificate it signs for the relays' DNS names (made with the
 * real {@code openssl}), for DerpRegions in {@code tls.mode: Manual}. Clients trust the CA through
 * {@code SSL_CERT_FILE}, as a user would add a private CA to the system store. A name that is an IPv4
 * literal becomes an IP address entry (loopback relays are reached by address).
 */
public record TestCertificates(Path caCertificate, Path certificate, Path key) {

    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(60);

    public static TestCertificates issue(List<String> dnsNames) {
        return issue(dnsNames, 2);
    }

    /** As {@link #issue(List)}, valid for {@code days} (Tailscale's prober fails certificates within a week of expiry). */
    public static TestCertificates issue(List<String> dnsNames, int days) {
        try {
            Path dir = Files.createTempDirectory("e2e-pki");
            Path caKey = dir.resolve("ca.key");
            Path ca = dir.resolve("ca.crt");
            Path key = dir.resolve("tls.key");
            Path csr = dir.resolve("tls.csr");
            Path certificate = dir.resolve("tls.crt");
            Path extensions = dir.resolve("tls.ext");
            openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", caKey.toString(), "-out", ca.toString(), "-subj", "/CN=waystation-e2e-ca", "-days", Integer.toString(days));
            openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + dnsNames.get(0));
            Files.writeString(extensions, "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName="
                    + dnsNames.stream().map(name -> (name.matches("[0-9.]+") ? "IP:" : "DNS:") + name).collect(Collectors.joining(",")) + "\n");
            openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                    "-CAcreateserial", "-days", Integer.toString(days), "-extfile", extensions.toString(), "-out", certificate.toString());
            return new TestCertificates(ca, certificate, key);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write test certificates: " + e.getMessage(), e);
        }
    }

    private static void openssl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        ProcessRun.run(command, String.join(" ", command), OPENSSL_TIMEOUT).assertSuccess();
    }
}

package dev.waystation.relay.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.waystation.relay.tls.acme.AcmeConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** TLS of the DERP listener ({@code waystation.relay.tls.*}); TLS is on in production mode. */
@ConfigMapping(prefix = "waystation.relay.tls")
public interface TlsConfig {

    /** Where certificates come from. */
    enum CertMode {
        /** PEM files, reloaded when they change; self-signed when the hostname is an IP and the files are absent. */
        MANUAL,
        /** Obtained and renewed through ACME (Let's Encrypt or any RFC 8555 CA), see {@link #acme()}. */
        ACME
    }

    @WithDefault("manual")
    CertMode certMode();

    /**
     * Directory of manual certificates named after the hostname, as derper's {@code -certdir}:
     * {@code <hostname>.crt} and {@code <hostname>.key} (hostname stripped of characters outside
     * {@code [A-Za-z0-9.-]}).
     */
    @WithDefault("/var/lib/waystation/certs")
    Path certDir();

    /** PEM certificate chain, leaf first; overrides the name derived from {@link #certDir()} (e.g. a Secret's {@code tls.crt}). */
    Optional<Path> certFile();

    /** PEM private key of the leaf (PKCS#8, SEC1 or PKCS#1); overrides the name derived from {@link #certDir()}. */
    Optional<Path> keyFile();

    /** TLS implementation: {@code auto} (OpenSSL where it loads, else JDK), {@code openssl} or {@code jdk}. */
    @WithDefault("auto")
    TlsEngine.Choice engine();

    /** Certificate files are watched for changes; this is the fallback re-check period. */
    @WithDefault("10s")
    Duration reloadCheckInterval();

    /** ACME certificate mode ({@code waystation.relay.tls.acme.*}); read only when {@link #certMode()} is {@code acme}. */
    AcmeConfig acme();
}

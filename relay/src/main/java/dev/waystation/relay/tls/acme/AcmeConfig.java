package dev.waystation.relay.tls.acme;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/**
 * ACME certificate mode ({@code waystation.relay.tls.acme.*}), derper's {@code -certmode letsencrypt}:
 * the relay orders a certificate for its hostname, answers the CA's challenges itself, keeps account
 * and certificate in {@link #storageDir()} or a Kubernetes Secret, and renews at two thirds of the lifetime.
 */
public interface AcmeConfig {

    /** Let's Encrypt's production directory, the default CA (as derper). */
    String LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";
    /** Let's Encrypt's staging directory (untrusted certificates, generous rate limits). */
    String LETS_ENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";

    /** Directory URL of a private ACME CA (Pebble, step-ca, ...); overrides {@link #staging()}. */
    Optional<URI> directoryUrl();

    /** Use Let's Encrypt's staging directory instead of production (ignored with {@link #directoryUrl()}). */
    @WithDefault("false")
    boolean staging();

    /** Contact address registered with the ACME account (expiry notices); none when empty. */
    Optional<String> email();

    /**
     * PEM CA certificates trusted for the ACME server's own HTTPS instead of the JVM's
     * (a private CA such as Pebble serves its API with a certificate no public root signed).
     */
    Optional<Path> caFile();

    /** Directory keeping the account key and the issued certificate and key (outside Kubernetes). */
    @WithDefault("/var/lib/waystation/acme")
    Path storageDir();

    /**
     * Kubernetes Secret (in the relay's namespace) keeping account and certificate instead of
     * {@link #storageDir()}; the operator creates it empty and lets only this relay get and update it.
     */
    Optional<String> storageSecret();

    /**
     * Challenge types in the order tried: one per order; after a failed challenge the next order
     * uses the next type. {@code http-01} is served on the plain port-80 helper, {@code tls-alpn-01}
     * on the DERP TLS port.
     */
    @WithDefault("http-01,tls-alpn-01")
    List<String> challengeTypes();

    /** First retry delay after a failed order; doubles per failure (with jitter) up to {@link #retryMax()}. */
    @WithDefault("1m")
    Duration retryMin();

    /** Longest retry delay (a CA's {@code Retry-After} may ask for longer and is obeyed). */
    @WithDefault("6h")
    Duration retryMax();

    /** How long one order may take (challenge validation, finalization) before it counts as failed. */
    @WithDefault("2m")
    Duration orderTimeout();
}

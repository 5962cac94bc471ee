package dev.waystation.relay.tls;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the listener's certificate comes from. Manual mode reads PEM files and watches them
 * ({@link ManualCertificateSource}); ACME ({@code acme.AcmeCertificateSource}) obtains and renews
 * certificates and hands each one to {@code install} the same way, so the listener never needs to know which.
 */
public interface CertificateSource extends AutoCloseable {

    /**
     * Starts delivering certificates: each valid one is passed to {@code install} (the first as soon as
     * it is available). Problems are reported through {@link #problem()} rather than thrown, so the relay
     * stays up, not ready, until a certificate arrives.
     */
    void start(Consumer<CertifiedKey> install);

    /** Why no (new) certificate could be installed the last time this source tried, or empty. */
    Optional<String> problem();

    @Override
    void close();
}

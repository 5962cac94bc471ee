package dev.waystation.relay.tls;

import java.util.Optional;

/**
 * A certificate that replaces the installed one for particular handshakes, decided while the
 * handshake chooses its certificate: ACME's TLS-ALPN-01 validation ({@code acme-tls/1}) must be
 * answered with the challenge certificate on the DERP port, while every other client keeps the real one.
 */
public interface CertificateOverride {

    /**
     * The certificate for the handshake the engine is choosing one for (on the calling thread),
     * or empty for the installed one.
     */
    Optional<CertifiedKey> forCurrentHandshake();
}

package dev.waystation.relay.tls.acme;

import java.util.Optional;

import dev.waystation.relay.tls.CertificateOverride;
import dev.waystation.relay.tls.CertifiedKey;

/**
 * Answers a TLS-ALPN-01 validation on the DERP port: the handshake whose ClientHello offered
 * {@code acme-tls/1} for a hostname with a challenge in flight gets the challenge certificate
 * (found by {@link TlsAlpnSslHandler}); everything else, every DERP client, the relay's own.
 */
final class TlsAlpnChallengeOverride implements CertificateOverride {

    private final TlsAlpnValidation validation;

    TlsAlpnChallengeOverride(TlsAlpnValidation validation) {
        this.validation = validation;
    }

    @Override
    public Optional<CertifiedKey> forCurrentHandshake() {
        return validation.current();
    }
}

package dev.waystation.relay.tls.acme;

import java.util.Optional;

import javax.net.ssl.SSLEngine;

import dev.waystation.relay.tls.CertificateOverride;
import dev.waystation.relay.tls.CertifiedKey;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.internal.tcnative.SSL;

/**
 * Answers a TLS-ALPN-01 validation on the DERP port: a handshake that negotiated {@code acme-tls/1}
 * for a hostname with a challenge in flight gets the challenge certificate; everything else (every
 * DERP client) the relay's own certificate. Only the CA's validator offers {@code acme-tls/1}.
 */
final class TlsAlpnChallengeOverride implements CertificateOverride {

    private final AcmeChallenges challenges;

    TlsAlpnChallengeOverride(AcmeChallenges challenges) {
        this.challenges = challenges;
    }

    @Override
    public Optional<CertifiedKey> forHandshake(SSLEngine engine, Optional<String> serverName) {
        if (!challenges.alpnPending() || serverName.isEmpty()
                || !AcmeChallenges.ACME_TLS_PROTOCOL.equals(negotiatedProtocol(engine))) {
            return Optional.empty();
        }
        return challenges.alpnCertificate(serverName.get());
    }

    /** The protocol ALPN chose for this handshake so far (the engine's public getter is set only once it ends on OpenSSL). */
    private static String negotiatedProtocol(SSLEngine engine) {
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            return SSL.getAlpnSelected(openSsl.sslPointer());
        }
        return engine.getHandshakeApplicationProtocol();
    }
}

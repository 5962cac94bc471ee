package dev.waystation.relay.tls.acme;

import dev.waystation.relay.tls.CertificateOverride;
import io.vertx.core.net.SSLEngineOptions;

/**
 * What the DERP listener needs to answer TLS-ALPN-01 validations on either TLS engine: ALPN offering
 * {@code http/1.1} and {@code acme-tls/1}, and the key manager hook that presents the challenge certificate.
 */
public final class TlsAlpnResponder {

    private final AcmeChallenges challenges;
    private final TlsAlpnValidation validation;

    TlsAlpnResponder(AcmeChallenges challenges) {
        this.challenges = challenges;
        this.validation = new TlsAlpnValidation();
    }

    /** {@code engine} with ALPN on and the ClientHello read ahead (on either engine). */
    public SSLEngineOptions engineOptions(SSLEngineOptions engine) {
        return new AlpnEngineOptions(engine, challenges, validation);
    }

    /**
     * The key manager hook presenting TLS-ALPN-01 challenge certificates: the handshake whose
     * ClientHello offered {@code acme-tls/1} for a hostname with a challenge in flight gets the challenge
     * certificate (found by {@link TlsAlpnSslHandler}); every other handshake, every DERP client's, the relay's own.
     */
    public CertificateOverride certificateOverride() {
        return validation::current;
    }
}

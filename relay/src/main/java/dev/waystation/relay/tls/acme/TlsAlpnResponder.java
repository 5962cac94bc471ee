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

    /** {@code engine} with ALPN on (and, on OpenSSL, the ClientHello read ahead). */
    public SSLEngineOptions engineOptions(SSLEngineOptions engine) {
        return new AlpnEngineOptions(engine, challenges, validation);
    }

    /** The key manager hook presenting TLS-ALPN-01 challenge certificates. */
    public CertificateOverride certificateOverride() {
        return new TlsAlpnChallengeOverride(validation);
    }
}

package dev.waystation.relay.tls.acme;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.waystation.relay.tls.CertifiedKey;

/**
 * The answers to the ACME challenges in flight, published by the order while the CA validates and
 * withdrawn right after: HTTP-01 key authorizations by token (served on the plain port-80 helper) and
 * TLS-ALPN-01 certificates by hostname (presented on the DERP TLS port to a handshake that offers
 * only the {@code acme-tls/1} protocol). Empty nearly all the time, and at most one entry per kind
 * per relay hostname, so it needs no other bound.
 */
@ApplicationScoped
public class AcmeChallenges {

    /** Where an HTTP-01 validation request asks for its token. */
    public static final String HTTP01_PATH_PREFIX = "/.well-known/acme-challenge/";
    /** The ALPN protocol of TLS-ALPN-01 validation handshakes (RFC 8737). */
    public static final String ACME_TLS_PROTOCOL = "acme-tls/1";

    private final Map<String, String> httpTokens = new ConcurrentHashMap<>();
    private final Map<String, CertifiedKey> alpnCertificates = new ConcurrentHashMap<>();

    /** The key authorization for {@code path} (a full request path), if that token is being validated. */
    public Optional<String> httpAnswer(String path) {
        if (!path.startsWith(HTTP01_PATH_PREFIX)) {
            return Optional.empty();
        }
        return Optional.ofNullable(httpTokens.get(path.substring(HTTP01_PATH_PREFIX.length())));
    }

    /** The self-signed validation certificate for {@code hostname} while its TLS-ALPN-01 challenge runs. */
    public Optional<CertifiedKey> alpnCertificate(String hostname) {
        return hostname == null ? Optional.empty() : Optional.ofNullable(alpnCertificates.get(hostname.toLowerCase()));
    }

    /** Whether any TLS-ALPN-01 challenge is in flight (the listener only looks at ALPN then). */
    public boolean alpnPending() {
        return !alpnCertificates.isEmpty();
    }

    void publishHttp(String token, String keyAuthorization) {
        httpTokens.put(token, keyAuthorization);
    }

    void withdrawHttp(String token) {
        httpTokens.remove(token);
    }

    void publishAlpn(String hostname, CertifiedKey certificate) {
        alpnCertificates.put(hostname.toLowerCase(), certificate);
    }

    void withdrawAlpn(String hostname) {
        alpnCertificates.remove(hostname.toLowerCase());
    }
}

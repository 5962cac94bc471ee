package dev.waystation.relay.tls.acme;

import java.util.Optional;
import java.util.function.Supplier;

import dev.waystation.relay.tls.CertifiedKey;

/**
 * The TLS-ALPN-01 challenge certificate of the handshake the current thread is driving, if its
 * ClientHello offered {@code acme-tls/1} for a hostname with a challenge in flight. Set by
 * {@link TlsAlpnSslHandler} around each step it hands to the TLS engine, read by the key manager,
 * which both engines call from inside that step: the listener runs TLS without delegated-task
 * threads (see {@link AlpnEngineOptions}). Nothing outlives the step, so there is nothing to bound.
 *
 * <p>Why not ask the engine: BoringSSL picks the certificate before it negotiates ALPN, and so does
 * the JDK in TLS 1.2, so "negotiated {@code acme-tls/1}" is not known yet when the certificate is chosen.
 */
final class TlsAlpnValidation {

    private final ThreadLocal<CertifiedKey> current = new ThreadLocal<>();

    /** Runs {@code step} with {@code challenge} as the current handshake's certificate. */
    <E extends Exception> void during(CertifiedKey challenge, Step<E> step) throws E {
        current.set(challenge);
        try {
            step.run();
        } finally {
            current.remove();
        }
    }

    /** The challenge certificate of the handshake being driven on this thread, if it is a validation. */
    Optional<CertifiedKey> current() {
        return Optional.ofNullable(current.get());
    }

    /** A TLS engine step that may throw {@code E}. */
    @FunctionalInterface
    interface Step<E extends Exception> {
        void run() throws E;
    }
}

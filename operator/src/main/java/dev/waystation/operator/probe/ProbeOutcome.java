package dev.waystation.operator.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** One probe's result: passed or why not, how long it took, and the certificate's end of validity when a TLS handshake saw one. */
record ProbeOutcome(ProbeKind kind, boolean passed, Duration latency, Optional<String> error,
        Optional<Instant> certificateNotAfter) {

    static ProbeOutcome pass(ProbeKind kind, Duration latency) {
        return new ProbeOutcome(kind, true, latency, Optional.empty(), Optional.empty());
    }

    static ProbeOutcome fail(ProbeKind kind, Duration latency, String error) {
        return new ProbeOutcome(kind, false, latency, Optional.of(error), Optional.empty());
    }

    ProbeOutcome withCertificateNotAfter(Instant notAfter) {
        return new ProbeOutcome(kind, passed, latency, error, Optional.of(notAfter));
    }
}

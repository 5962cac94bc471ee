package dev.waystation.relay.stun;

/**
 * What the server does with one datagram: answer it, or drop it for a reason. The drop reasons are
 * the {@code reason} label of {@code stun_dropped_total}; derper folds them all into
 * {@code stun_requests_total{disposition="not_stun"}}, which Waystation keeps too.
 */
enum Verdict {
    /** A binding request the server answers with XOR-MAPPED-ADDRESS. */
    ANSWER(null),
    /** Shorter than a header, top bits set, or no magic cookie (derper's own "is STUN" test). */
    NOT_STUN("not_stun"),
    /** STUN, but not a Binding Request (responses, indications, other methods). */
    WRONG_TYPE("wrong_type"),
    /** Truncated attributes, attribute lengths that run past the datagram, a header length that lies, or an oversize datagram. */
    MALFORMED("malformed"),
    /** No {@code SOFTWARE="tailnode"} attribute while only Tailscale clients are answered (derper's rule). */
    NOT_TAILSCALE("not_tailscale"),
    /** FINGERPRINT missing where required, not the last attribute, or not matching the CRC. */
    BAD_FINGERPRINT("bad_fingerprint"),
    /**
     * A request from a non-Tailscale client (answered only in answer-all mode) shorter than the
     * response it would get: never answered, so the server cannot amplify a spoofed sender's traffic.
     */
    AMPLIFICATION("amplification"),
    /** A comprehension-required attribute (authentication, RFC 5780 CHANGE-REQUEST...) this server does not implement. */
    UNSUPPORTED_ATTRIBUTE("unsupported_attribute");

    /** Metric label for drops; {@code null} for {@link #ANSWER}. */
    final String reason;

    Verdict(String reason) {
        this.reason = reason;
    }
}

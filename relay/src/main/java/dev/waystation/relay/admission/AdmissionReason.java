package dev.waystation.relay.admission;

/**
 * Why a client was admitted or rejected at handshake; the metric label and the log line use
 * {@link #label()}. Checks run in declaration order of the rejecting reasons.
 */
public enum AdmissionReason {
    /** Mesh peers (valid mesh key) skip every check, as in derper. */
    MESH_PEER(true, "mesh_peer"),
    ADMITTED(true, "admitted"),
    /** The webhook itself was unreachable and {@code Admission.VerifyURLFailOpen} is on. */
    WEBHOOK_UNREACHABLE_FAIL_OPEN(true, "webhook_unreachable_fail_open"),
    /** A setting admission depends on holds an error with no last good value: fail closed. */
    POLICY_ERROR(false, "policy_error"),
    DENY_LIST(false, "deny_list"),
    NOT_IN_ALLOW_LIST(false, "not_in_allow_list"),
    CLIENT_NOT_ALLOWED(false, "client_not_allowed"),
    /** {@code Admission.VerifyURL} cannot be called: malformed, or http without {@code Admission.VerifyURLAllowHTTP}. */
    WEBHOOK_URL_NOT_ALLOWED(false, "webhook_url_not_allowed"),
    WEBHOOK_DENIED(false, "webhook_denied"),
    WEBHOOK_BAD_STATUS(false, "webhook_bad_status"),
    WEBHOOK_BAD_RESPONSE(false, "webhook_bad_response"),
    WEBHOOK_ANSWER_TOO_LARGE(false, "webhook_answer_too_large"),
    /** The relay's own webhook queue was full: never fail-open, whatever the setting. */
    WEBHOOK_OVERLOADED(false, "webhook_overloaded"),
    WEBHOOK_UNREACHABLE(false, "webhook_unreachable");

    private final boolean admitted;
    private final String label;

    AdmissionReason(boolean admitted, String label) {
        this.admitted = admitted;
        this.label = label;
    }

    public boolean admitted() {
        return admitted;
    }

    public String label() {
        return label;
    }

    /**
     * True when no answer about the client could be had (webhook unreachable, the relay's queue full,
     * a broken admission setting): a client admitted earlier stays connected on such a rejection.
     */
    public boolean noAnswer() {
        return this == WEBHOOK_UNREACHABLE || this == WEBHOOK_UNREACHABLE_FAIL_OPEN || this == WEBHOOK_OVERLOADED
                || this == POLICY_ERROR;
    }

    /** Maps a webhook outcome to the admission reason under the given fail-open setting. */
    public static AdmissionReason of(VerifyWebhook.Outcome outcome, boolean failOpen) {
        return switch (outcome) {
            case ALLOWED -> ADMITTED;
            case DENIED -> WEBHOOK_DENIED;
            case BAD_STATUS -> WEBHOOK_BAD_STATUS;
            case BAD_RESPONSE -> WEBHOOK_BAD_RESPONSE;
            case ANSWER_TOO_LARGE -> WEBHOOK_ANSWER_TOO_LARGE;
            case INVALID_URL -> WEBHOOK_URL_NOT_ALLOWED;
            case OVERLOADED -> WEBHOOK_OVERLOADED;
            case TRANSPORT_ERROR -> failOpen ? WEBHOOK_UNREACHABLE_FAIL_OPEN : WEBHOOK_UNREACHABLE;
        };
    }
}

package dev.waystation.relay.admission;

/**
 * Why a client was admitted or rejected at handshake; the metric label and the log line use
 * {@link #label()}. Checks run in declaration order of the rejecting reasons.
 */
public enum AdmissionReason {
    /** Mesh peers (valid mesh key) skip every check, as in derper. */
    MESH_PEER(true, "mesh_peer"),
    ADMITTED(true, "admitted"),
    /** The webhook was unreachable and {@code Admission.VerifyURLFailOpen} is on. */
    WEBHOOK_UNREACHABLE_FAIL_OPEN(true, "webhook_unreachable_fail_open"),
    DENY_LIST(false, "deny_list"),
    NOT_IN_ALLOW_LIST(false, "not_in_allow_list"),
    CLIENT_NOT_ALLOWED(false, "client_not_allowed"),
    WEBHOOK_DENIED(false, "webhook_denied"),
    WEBHOOK_BAD_STATUS(false, "webhook_bad_status"),
    WEBHOOK_BAD_RESPONSE(false, "webhook_bad_response"),
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

    /** Maps a webhook outcome to the admission reason under the given fail-open setting. */
    public static AdmissionReason of(VerifyWebhook.Outcome outcome, boolean failOpen) {
        return switch (outcome) {
            case ALLOWED -> ADMITTED;
            case DENIED -> WEBHOOK_DENIED;
            case BAD_STATUS -> WEBHOOK_BAD_STATUS;
            case BAD_RESPONSE -> WEBHOOK_BAD_RESPONSE;
            case TRANSPORT_ERROR -> failOpen ? WEBHOOK_UNREACHABLE_FAIL_OPEN : WEBHOOK_UNREACHABLE;
        };
    }
}

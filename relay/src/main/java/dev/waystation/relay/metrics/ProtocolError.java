package dev.waystation.relay.metrics;

/**
 * Why a connection was closed for misbehaving: the {@code reason} label of
 * {@code derp_protocol_errors_total} (no derper equivalent; derper only logs these).
 */
public enum ProtocolError {
    /** Bytes before the upgrade were not an HTTP/1.x request head. */
    BAD_HTTP_REQUEST("bad_http_request"),
    /** The first frame after the upgrade was not a ClientInfo (wrong frame type or not DERP at all). */
    NOT_CLIENT_INFO("not_client_info"),
    /** ClientInfo shorter than key and nonce or longer than 256 KiB. */
    CLIENT_INFO_LENGTH("client_info_length"),
    /** ClientInfo box did not open with the server key. */
    CLIENT_INFO_BOX("client_info_box"),
    /** ClientInfo JSON invalid (including a malformed mesh key). */
    CLIENT_INFO_JSON("client_info_json"),
    /** A frame's length is out of range for its type (e.g. a SendPacket above 64 KiB). */
    FRAME_LENGTH("frame_length"),
    /** A mesh-only frame from a client without the mesh key. */
    NOT_MESH_PEER("not_mesh_peer"),
    /** The connection ended in the middle of a frame. */
    TRUNCATED_FRAME("truncated_frame"),
    /** ServerKey/ClientInfo/admission took longer than the handshake timeout. */
    HANDSHAKE_TIMEOUT("handshake_timeout"),
    /** Admission refused the client. */
    ADMISSION_DENIED("admission_denied");

    private final String label;

    ProtocolError(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The error whose label is {@code label}. */
    public static ProtocolError ofLabel(String label) {
        for (ProtocolError error : values()) {
            if (error.label.equals(label)) {
                return error;
            }
        }
        throw new IllegalArgumentException("unknown protocol error " + label);
    }
}

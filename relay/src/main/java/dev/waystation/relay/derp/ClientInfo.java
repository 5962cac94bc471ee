package dev.waystation.relay.derp;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * What a client says about itself inside the sealed ClientInfo frame. JSON keys match
 * case-insensitively and unknown keys are ignored, as Go's {@code encoding/json} does.
 *
 * @param meshKey the 32-byte mesh key if the client sent one
 */
public record ClientInfo(Optional<byte[]> meshKey, int version, boolean canAckPings, boolean isProber,
        String appName) {

    /** Parses the opened JSON; any malformed or mistyped field makes the whole ClientInfo invalid. */
    public static ClientInfo parse(byte[] json) throws InvalidClientInfoException {
        JsonObject object;
        try {
            object = new JsonObject(Buffer.buffer(json));
        } catch (DecodeException | ClassCastException e) {
            throw new InvalidClientInfoException("ClientInfo is not a JSON object: " + e.getMessage());
        }
        Optional<byte[]> meshKey = Optional.empty();
        int version = 0;
        boolean canAckPings = false;
        boolean isProber = false;
        String appName = "";
        try {
            for (Map.Entry<String, Object> field : object) {
                Object value = field.getValue();
                switch (field.getKey().toLowerCase(Locale.ROOT)) {
                    case "meshkey" -> meshKey = Optional.of(parseMeshKey(value));
                    case "version" -> version = value == null ? 0 : ((Number) value).intValue();
                    case "canackpings" -> canAckPings = value != null && (Boolean) value;
                    case "isprober" -> isProber = value != null && (Boolean) value;
                    case "appname" -> appName = value == null ? "" : (String) value;
                    default -> {
                        // unknown keys are ignored
                    }
                }
            }
        } catch (ClassCastException e) {
            throw new InvalidClientInfoException("ClientInfo field has the wrong JSON type: " + e.getMessage());
        }
        return new ClientInfo(meshKey, version, canAckPings, isProber, appName);
    }

    private static byte[] parseMeshKey(Object value) throws InvalidClientInfoException {
        if (!(value instanceof String text) || text.trim().length() != 2 * Protocol.KEY_LENGTH) {
            throw new InvalidClientInfoException("meshKey must be 64 hex characters");
        }
        try {
            return HexFormat.of().parseHex(text.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidClientInfoException("meshKey is not hex");
        }
    }

    /** A ClientInfo that does not parse; the connection is closed. */
    public static final class InvalidClientInfoException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidClientInfoException(String message) {
            super(message);
        }
    }
}

package dev.waystation.relay.derp;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * What a client says about itself inside the sealed ClientInfo frame. JSON keys match
 * case-insensitively and unknown keys are ignored, as Go's {@code encoding/json} does.
 *
 * @param meshKey the 32-byte mesh key if the client sent one
 */
public record ClientInfo(Optional<byte[]> meshKey, int version, boolean canAckPings, boolean isProber,
        String appName) {

    /**
     * Parses the opened JSON; any malformed or mistyped field makes the whole ClientInfo invalid. A
     * {@code null} leaves a field as it was and the last of repeated keys wins, as in Go.
     */
    public static ClientInfo parse(byte[] json) throws InvalidClientInfoException {
        Optional<byte[]> meshKey = Optional.empty();
        long version = 0;
        boolean canAckPings = false;
        boolean isProber = false;
        String appName = "";
        try {
            JsonFieldReader reader = new JsonFieldReader(json);
            for (String name = reader.nextField(); name != null; name = reader.nextField()) {
                switch (name.toLowerCase(Locale.ROOT)) {
                    case "meshkey" -> meshKey = reader.nullValue() ? meshKey
                            : Optional.of(parseMeshKey(reader.stringValue()));
                    case "version" -> version = reader.nullValue() ? version : reader.integerValue();
                    case "canackpings" -> canAckPings = reader.nullValue() ? canAckPings : reader.booleanValue();
                    case "isprober" -> isProber = reader.nullValue() ? isProber : reader.booleanValue();
                    case "appname" -> appName = reader.nullValue() ? appName : reader.stringValue();
                    default -> reader.skipValue(); // unknown keys are ignored
                }
            }
        } catch (JsonFieldReader.MalformedJsonException e) {
            throw new InvalidClientInfoException("ClientInfo is not valid JSON of its fields: " + e.getMessage());
        }
        if (version != (int) version) {
            throw new InvalidClientInfoException("ClientInfo version " + version + " is out of range");
        }
        return new ClientInfo(meshKey, (int) version, canAckPings, isProber, appName);
    }

    private static byte[] parseMeshKey(String text) throws InvalidClientInfoException {
        if (text.trim().length() != 2 * Protocol.KEY_LENGTH) {
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

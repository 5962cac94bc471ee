package dev.waystation.relay.derp;

import java.nio.charset.StandardCharsets;

/**
 * The JSON the server seals into the ServerInfo frame. derper sends exactly {@code {"version":2}};
 * the token-bucket fields are emitted only when non-zero (then clients drop their own sends above the
 * rate).
 */
public record ServerInfo(long tokenBucketBytesPerSecond, long tokenBucketBytesBurst) {

    public static final ServerInfo UNLIMITED = new ServerInfo(0, 0);

    public byte[] toJson() {
        StringBuilder json = new StringBuilder("{\"version\":").append(Protocol.VERSION);
        if (tokenBucketBytesPerSecond != 0) {
            json.append(",\"TokenBucketBytesPerSecond\":").append(tokenBucketBytesPerSecond);
        }
        if (tokenBucketBytesBurst != 0) {
            json.append(",\"TokenBucketBytesBurst\":").append(tokenBucketBytesBurst);
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
}

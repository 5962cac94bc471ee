package dev.waystation.relay.derp;

import java.nio.charset.StandardCharsets;

/** Fixed sizes and limits of the DERP protocol, version 2. */
public final class Protocol {

    /** The protocol version this server speaks (sent in {@code Derp-Version} and ServerInfo). */
    public static final int VERSION = 2;

    /** {@code "DERP🔑"} in UTF-8, the start of the ServerKey payload. */
    public static final byte[] MAGIC = "DERP\uD83D\uDD11".getBytes(StandardCharsets.UTF_8);

    public static final int FRAME_HEADER_LENGTH = 5;
    public static final int KEY_LENGTH = 32;
    public static final int NONCE_LENGTH = 24;
    /** Poly1305 tag in front of every NaCl box ciphertext. */
    public static final int BOX_OVERHEAD = 16;

    /** Largest packet a client may send or receive, excluding the DERP framing and keys. */
    public static final int MAX_PACKET_SIZE = 64 * 1024;

    /** Largest ClientInfo payload the server accepts (as derper: 256 KiB). */
    public static final int MAX_CLIENT_INFO_LENGTH = 256 * 1024;

    /** Ping payloads outside this range close the connection. */
    public static final int MIN_PING_LENGTH = 8;
    public static final int MAX_PING_LENGTH = 1000;

    /** A payload this long starting with {@link #DISCO_MAGIC} is a disco packet (magic ‖ disco key ‖ nonce). */
    public static final int MIN_DISCO_PACKET_LENGTH = 62;

    /** {@code "TS💬"} in UTF-8, the start of every disco packet. */
    public static final byte[] DISCO_MAGIC = "TS\uD83D\uDCAC".getBytes(StandardCharsets.UTF_8);

    public static final String FAST_START_HEADER = "Derp-Fast-Start";
    public static final String IDEAL_NODE_HEADER = "Ideal-Node";
    public static final String DERP_PATH = "/derp";

    private Protocol() {
    }
}

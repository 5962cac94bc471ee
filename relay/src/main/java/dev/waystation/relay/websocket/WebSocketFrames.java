package dev.waystation.relay.websocket;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Server-to-client frames (unmasked, RFC 6455 section 5.2). */
public final class WebSocketFrames {

    /**
     * Largest message the server sends: Go's WebSocket client (coder/websocket, used by derphttp)
     * refuses messages over 32 KiB by default, so the DERP stream is cut into messages of at most this.
     */
    public static final int MAX_MESSAGE_PAYLOAD = 32 * 1024;

    private static final int TWO_BYTE_LENGTH_LIMIT = 125;
    private static final int SIXTEEN_BIT_LIMIT = 0xFFFF;

    private WebSocketFrames() {
    }

    /** The header of a final frame with {@code opcode} and a payload of {@code length} bytes. */
    public static ByteBuf header(ByteBufAllocator alloc, int opcode, int length) {
        ByteBuf out = alloc.buffer(length <= TWO_BYTE_LENGTH_LIMIT ? 2 : length <= SIXTEEN_BIT_LIMIT ? 4 : 10);
        out.writeByte(WebSocketFrameDecoder.FIN | opcode);
        if (length <= TWO_BYTE_LENGTH_LIMIT) {
            out.writeByte(length);
        } else if (length <= SIXTEEN_BIT_LIMIT) {
            out.writeByte(WebSocketFrameDecoder.LENGTH_16).writeShort(length);
        } else {
            out.writeByte(WebSocketFrameDecoder.LENGTH_64).writeLong(length);
        }
        return out;
    }

    public static ByteBuf binaryHeader(ByteBufAllocator alloc, int length) {
        return header(alloc, WebSocketFrameDecoder.OP_BINARY, length);
    }

    /** A complete pong echoing {@code payload} (released here). */
    public static ByteBuf pong(ByteBufAllocator alloc, ByteBuf payload) {
        try {
            ByteBuf out = header(alloc, WebSocketFrameDecoder.OP_PONG, payload.readableBytes());
            return out.writeBytes(payload);
        } finally {
            payload.release();
        }
    }

    /** A complete close frame; the reason is cut to fit a control frame. */
    public static ByteBuf close(ByteBufAllocator alloc, int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int reasonLength = Math.min(text.length, WebSocketFrameDecoder.MAX_CONTROL_PAYLOAD - 2);
        ByteBuf out = header(alloc, WebSocketFrameDecoder.OP_CLOSE, 2 + reasonLength);
        return out.writeShort(code).writeBytes(text, 0, reasonLength);
    }
}

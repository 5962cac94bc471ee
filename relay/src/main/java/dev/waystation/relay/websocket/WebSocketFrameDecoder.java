package dev.waystation.relay.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Incremental RFC 6455 decoder for frames a client sends to the server. Binary payload is streamed
 * to the {@link Sink} as it arrives (unmasked in place, no copy, no per-message buffering: DERP treats
 * the binary messages as one byte stream, as Tailscale's WebSocket transport does); control frames are collected (at most 125 bytes)
 * and reported whole. Anything RFC 6455 forbids from a client ends decoding with
 * {@link Sink#onProtocolError}.
 */
public final class WebSocketFrameDecoder {

    /** Close status codes (RFC 6455 section 7.4.1) used by this server. */
    public static final int CLOSE_NORMAL = 1000;
    public static final int CLOSE_PROTOCOL_ERROR = 1002;
    public static final int CLOSE_UNSUPPORTED_DATA = 1003;
    public static final int CLOSE_NO_STATUS = 1005;
    public static final int CLOSE_POLICY_VIOLATION = 1008;

    // Opcodes (RFC 6455 section 5.2).
    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;

    static final int FIN = 0x80;
    static final int RSV_BITS = 0x70;
    static final int OPCODE_BITS = 0x0F;
    static final int MASK = 0x80;
    static final int LENGTH_BITS = 0x7F;
    static final int LENGTH_16 = 126;
    static final int LENGTH_64 = 127;
    static final int MAX_CONTROL_PAYLOAD = 125;
    private static final int MASK_KEY_BYTES = 4;
    private static final int MAX_HEADER_BYTES = 14;

    /** Receives what the decoder finds; all calls on the caller's thread, in stream order. */
    public interface Sink {
        /** Part of a binary message's payload, unmasked; ownership passes to the callee. */
        void onBinary(ByteBuf payload);

        void onPing(ByteBuf payload);

        /** A close frame: {@code code} is {@link #CLOSE_NO_STATUS} when the frame carried none. */
        void onClose(int code, String reason);

        /** The client broke the protocol; the connection should be closed with {@code closeCode}. */
        void onProtocolError(int closeCode, String message);
    }

    private final Sink sink;
    private final byte[] header = new byte[MAX_HEADER_BYTES];
    private int headerFill;
    private final byte[] mask = new byte[MASK_KEY_BYTES];
    private long payloadRemaining;
    private int maskOffset;
    private int opcode;
    private boolean fin;
    private boolean inPayload;
    private boolean inFragmentedMessage;
    private ByteBuf control;
    private boolean failed;

    public WebSocketFrameDecoder(Sink sink) {
        this.sink = sink;
    }

    /** Decodes all of {@code in} (released here). */
    public void decode(ByteBuf in) {
        try {
            while (in.isReadable() && !failed) {
                if (!inPayload) {
                    readHeader(in);
                } else {
                    readPayload(in);
                }
            }
        } finally {
            in.release();
        }
    }

    private void readHeader(ByteBuf in) {
        while (in.isReadable() && headerFill < 2) {
            header[headerFill++] = in.readByte();
        }
        if (headerFill < 2) {
            return;
        }
        int lengthCode = header[1] & LENGTH_BITS;
        int extended = lengthCode == LENGTH_16 ? 2 : lengthCode == LENGTH_64 ? 8 : 0;
        int needed = 2 + extended + MASK_KEY_BYTES;
        while (in.isReadable() && headerFill < needed) {
            header[headerFill++] = in.readByte();
        }
        if (headerFill < needed) {
            return;
        }
        headerFill = 0;
        fin = (header[0] & FIN) != 0;
        opcode = header[0] & OPCODE_BITS;
        if ((header[0] & RSV_BITS) != 0) {
            fail(CLOSE_PROTOCOL_ERROR, "reserved bits set without a negotiated extension");
            return;
        }
        if ((header[1] & MASK) == 0) {
            fail(CLOSE_PROTOCOL_ERROR, "client frame is not masked");
            return;
        }
        long length = lengthCode;
        if (extended == 2) {
            length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        } else if (extended == 8) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | (header[2 + i] & 0xFF);
            }
            if (length < 0) {
                fail(CLOSE_PROTOCOL_ERROR, "frame length has its most significant bit set");
                return;
            }
        }
        System.arraycopy(header, 2 + extended, mask, 0, MASK_KEY_BYTES);
        maskOffset = 0;
        payloadRemaining = length;
        if (!checkOpcode(length)) {
            return;
        }
        inPayload = true;
        if (length == 0) {
            finishFrame();
        }
    }

    private boolean checkOpcode(long length) {
        switch (opcode) {
            case OP_BINARY -> {
                if (inFragmentedMessage) {
                    return fail(CLOSE_PROTOCOL_ERROR, "new data frame inside a fragmented message");
                }
                inFragmentedMessage = !fin;
            }
            case OP_CONTINUATION -> {
                if (!inFragmentedMessage) {
                    return fail(CLOSE_PROTOCOL_ERROR, "continuation frame without a message to continue");
                }
                inFragmentedMessage = !fin;
            }
            case OP_TEXT -> {
                return fail(CLOSE_UNSUPPORTED_DATA, "text message received; DERP over WebSocket is binary only");
            }
            case OP_CLOSE, OP_PING, OP_PONG -> {
                if (!fin || length > MAX_CONTROL_PAYLOAD) {
                    return fail(CLOSE_PROTOCOL_ERROR, "fragmented or oversized control frame");
                }
                control = Unpooled.buffer((int) length);
            }
            default -> {
                return fail(CLOSE_PROTOCOL_ERROR, "unknown opcode " + opcode);
            }
        }
        return true;
    }

    private void readPayload(ByteBuf in) {
        int take = (int) Math.min(in.readableBytes(), payloadRemaining);
        ByteBuf chunk = in.readRetainedSlice(take);
        unmask(chunk);
        payloadRemaining -= take;
        if (control != null) {
            control.writeBytes(chunk);
            chunk.release();
        } else if (take > 0) {
            sink.onBinary(chunk);
        } else {
            chunk.release();
        }
        if (payloadRemaining == 0) {
            finishFrame();
        }
    }

    private void unmask(ByteBuf chunk) {
        int start = chunk.readerIndex();
        int end = chunk.writerIndex();
        for (int i = start; i < end; i++) {
            chunk.setByte(i, chunk.getByte(i) ^ mask[maskOffset]);
            maskOffset = (maskOffset + 1) & (MASK_KEY_BYTES - 1);
        }
    }

    private void finishFrame() {
        inPayload = false;
        ByteBuf payload = control;
        control = null;
        switch (opcode) {
            case OP_PING -> sink.onPing(payload);
            case OP_PONG -> payload.release();
            case OP_CLOSE -> {
                try {
                    if (payload.readableBytes() == 1) {
                        fail(CLOSE_PROTOCOL_ERROR, "close frame with a one-byte payload");
                        return;
                    }
                    int code = payload.readableBytes() >= 2 ? payload.readUnsignedShort() : CLOSE_NO_STATUS;
                    sink.onClose(code, payload.toString(java.nio.charset.StandardCharsets.UTF_8));
                    failed = true; // nothing may follow a close frame
                } finally {
                    payload.release();
                }
            }
            default -> {
                // data frame done; its payload was streamed
            }
        }
    }

    private boolean fail(int code, String message) {
        failed = true;
        if (control != null) {
            control.release();
            control = null;
        }
        sink.onProtocolError(code, message);
        return false;
    }
}

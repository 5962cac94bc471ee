package dev.waystation.relay.derp;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Encoders for the frames the server sends; each returns a buffer from the given (pooled) allocator. */
public final class Frames {

    /** Length of a RecvPacket frame's fixed part: frame header ‖ source key; the packet bytes follow. */
    static final int RECV_PACKET_HEADER_LENGTH = Protocol.FRAME_HEADER_LENGTH + Protocol.KEY_LENGTH;
    static final int PEER_PRESENT_LENGTH = Protocol.KEY_LENGTH + 16 + 2 + 1;

    private Frames() {
    }

    static ByteBuf header(ByteBufAllocator alloc, byte type, int payloadLength, int capacity) {
        return writeHeader(alloc.buffer(capacity), type, payloadLength);
    }

    /** Appends a frame header to {@code out}: the type byte, then the payload length (big-endian). */
    private static ByteBuf writeHeader(ByteBuf out, byte type, int payloadLength) {
        return out.writeByte(type).writeInt(payloadLength);
    }

    public static ByteBuf serverKey(ByteBufAllocator alloc, NodeKey serverKey) {
        int length = Protocol.MAGIC.length + Protocol.KEY_LENGTH;
        ByteBuf buf = header(alloc, FrameType.SERVER_KEY, length, Protocol.FRAME_HEADER_LENGTH + length);
        buf.writeBytes(Protocol.MAGIC);
        serverKey.writeTo(buf);
        return buf;
    }

    /** {@code sealed} is {@code nonce ‖ box} as {@link NaclBox#seal} returns it. */
    public static ByteBuf serverInfo(ByteBufAllocator alloc, byte[] sealed) {
        return header(alloc, FrameType.SERVER_INFO, sealed.length, Protocol.FRAME_HEADER_LENGTH + sealed.length)
                .writeBytes(sealed);
    }

    /**
     * Appends a RecvPacket frame to {@code out}: the {@code length} bytes at {@code offset} of
     * {@code packet}, from {@code source}. {@code out} needs {@link #RECV_PACKET_HEADER_LENGTH} + length
     * writable bytes; frames are appended so that many go out in one buffer.
     */
    public static void writeRecvPacket(ByteBuf out, NodeKey source, ByteBuf packet, int offset, int length) {
        writeHeader(out, FrameType.RECV_PACKET, Protocol.KEY_LENGTH + length);
        source.writeTo(out);
        out.writeBytes(packet, offset, length);
    }

    public static ByteBuf keepAlive(ByteBufAllocator alloc) {
        return header(alloc, FrameType.KEEP_ALIVE, 0, Protocol.FRAME_HEADER_LENGTH);
    }

    public static ByteBuf pong(ByteBufAllocator alloc, long data) {
        return header(alloc, FrameType.PONG, 8, Protocol.FRAME_HEADER_LENGTH + 8).writeLong(data);
    }

    public static ByteBuf peerGone(ByteBufAllocator alloc, NodeKey peer, byte reason) {
        ByteBuf buf = header(alloc, FrameType.PEER_GONE, Protocol.KEY_LENGTH + 1,
                Protocol.FRAME_HEADER_LENGTH + Protocol.KEY_LENGTH + 1);
        peer.writeTo(buf);
        return buf.writeByte(reason);
    }

    /** PeerPresent with the address in its 16-byte form (IPv4 as {@code ::ffff:a.b.c.d}). */
    public static ByteBuf peerPresent(ByteBufAllocator alloc, NodeKey peer, InetSocketAddress address, byte flags) {
        ByteBuf buf = header(alloc, FrameType.PEER_PRESENT, PEER_PRESENT_LENGTH,
                Protocol.FRAME_HEADER_LENGTH + PEER_PRESENT_LENGTH);
        peer.writeTo(buf);
        InetAddress ip = address == null ? null : address.getAddress();
        byte[] raw = ip == null ? new byte[16] : ip.getAddress();
        if (raw.length == 4) {
            buf.writeZero(10).writeShort(0xFFFF);
        }
        buf.writeBytes(raw);
        buf.writeShort(address == null ? 0 : address.getPort());
        return buf.writeByte(flags);
    }

    public static ByteBuf restarting(ByteBufAllocator alloc, long reconnectInMillis, long tryForMillis) {
        return header(alloc, FrameType.RESTARTING, 8, Protocol.FRAME_HEADER_LENGTH + 8)
                .writeInt((int) reconnectInMillis).writeInt((int) tryForMillis);
    }

    /** True when {@code packet} (its readable bytes) is a disco packet: at least 62 bytes starting {@code "TS💬"}. */
    public static boolean isDisco(ByteBuf packet) {
        return isDisco(packet, packet.readerIndex(), packet.readableBytes());
    }

    /** True when the {@code length} bytes at {@code start} of {@code buffer} are a disco packet. */
    public static boolean isDisco(ByteBuf buffer, int start, int length) {
        if (length < Protocol.MIN_DISCO_PACKET_LENGTH) {
            return false;
        }
        for (int i = 0; i < Protocol.DISCO_MAGIC.length; i++) {
            if (buffer.getByte(start + i) != Protocol.DISCO_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}

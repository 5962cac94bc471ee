package dev.waystation.relay.mesh;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

import dev.waystation.relay.derp.FrameType;
import dev.waystation.relay.derp.NaclBox;
import dev.waystation.relay.derp.NodeKey;
import dev.waystation.relay.derp.NodePrivateKey;
import dev.waystation.relay.derp.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Encoders for the frames a mesh link sends as a DERP client (the server's own are in {@code derp.Frames}). */
final class MeshFrames {

    /** Length of a ForwardPacket header: frame header ‖ source key ‖ destination key. */
    static final int FORWARD_HEADER_LENGTH = Protocol.FRAME_HEADER_LENGTH + 2 * Protocol.KEY_LENGTH;
    private static final int PONG_LENGTH = 8;

    private MeshFrames() {
    }

    private static ByteBuf header(ByteBufAllocator alloc, byte type, int payloadLength) {
        return alloc.buffer(Protocol.FRAME_HEADER_LENGTH + payloadLength).writeByte(type).writeInt(payloadLength);
    }

    /**
     * ClientInfo of a mesh peer: our server key as the client key, and sealed to the peer's server key
     * {@code {"meshKey":"<hex>","version":2,"CanAckPings":false}}, as derper's mesh client sends it.
     */
    static ByteBuf clientInfo(ByteBufAllocator alloc, NodePrivateKey self, NodeKey server, byte[] meshKey,
            SecureRandom random) {
        String json = "{\"meshKey\":\"" + HexFormat.of().formatHex(meshKey) + "\",\"version\":" + Protocol.VERSION
                + ",\"CanAckPings\":false}";
        byte[] sealed = NaclBox.seal(self, server, json.getBytes(StandardCharsets.UTF_8), random);
        ByteBuf buf = header(alloc, FrameType.CLIENT_INFO, Protocol.KEY_LENGTH + sealed.length);
        self.publicKey().writeTo(buf);
        return buf.writeBytes(sealed);
    }

    /** WatchConns: empty; the peer answers with PeerPresent for each of its clients, then every change. */
    static ByteBuf watchConns(ByteBufAllocator alloc) {
        return header(alloc, FrameType.WATCH_CONNS, 0);
    }

    static ByteBuf pong(ByteBufAllocator alloc, long data) {
        return header(alloc, FrameType.PONG, PONG_LENGTH).writeLong(data);
    }

    /** The header of a ForwardPacket whose {@code packetLength} bytes follow as their own buffer. */
    static ByteBuf forwardPacketHeader(ByteBufAllocator alloc, NodeKey source, NodeKey destination,
            int packetLength) {
        ByteBuf buf = header(alloc, FrameType.FORWARD_PACKET, 2 * Protocol.KEY_LENGTH + packetLength);
        source.writeTo(buf);
        destination.writeTo(buf);
        return buf;
    }
}

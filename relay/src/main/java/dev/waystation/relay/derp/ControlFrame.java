package dev.waystation.relay.derp;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** A non-packet frame requested from another thread (PeerGone, PeerPresent), written by the destination's drain. */
record ControlFrame(byte type, NodeKey peer, byte reasonOrFlags, InetSocketAddress address) {

    static ControlFrame peerGone(NodeKey peer, byte reason) {
        return new ControlFrame(FrameType.PEER_GONE, peer, reason, null);
    }

    static ControlFrame peerPresent(NodeKey peer, InetSocketAddress address, byte flags) {
        return new ControlFrame(FrameType.PEER_PRESENT, peer, flags, address);
    }

    ByteBuf encode(ByteBufAllocator alloc) {
        return type == FrameType.PEER_GONE ? Frames.peerGone(alloc, peer, reasonOrFlags)
                : Frames.peerPresent(alloc, peer, address, reasonOrFlags);
    }
}

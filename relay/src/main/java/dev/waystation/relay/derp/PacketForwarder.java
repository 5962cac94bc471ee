package dev.waystation.relay.derp;

import io.netty.buffer.ByteBuf;

/**
 * Seam for meshing (relays of one region forwarding to each other): something that can carry a packet to a key connected to another node
 * of the region, registered in the {@link ClientRegistry} per key. Used only for keys with no local
 * connection at all.
 */
public interface PacketForwarder {

    /**
     * Sends {@code packet} (ownership passes to the forwarder, which must release it) as a
     * ForwardPacket from {@code source} to {@code destination}. Called on the sender's event loop;
     * must not block.
     */
    void forward(NodeKey source, NodeKey destination, ByteBuf packet);
}

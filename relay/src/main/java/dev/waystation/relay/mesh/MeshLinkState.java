package dev.waystation.relay.mesh;

/** Where a mesh link is in its life; shown in /debug/mesh and as {@code waystation_mesh_peer_up}. */
public enum MeshLinkState {
    /** TCP (and TLS) connect under way. */
    CONNECTING,
    /** HTTP upgrade request sent, waiting for 101. */
    UPGRADING,
    /** DERP handshake: ServerKey, then our ClientInfo and WatchConns, then ServerInfo. */
    HANDSHAKE,
    /** Watching the peer's clients and forwarding packets to it. */
    UP,
    /** Down; dialling again after a jittered backoff. */
    WAITING,
    /** The entry turned out to be this relay (same server key); never dialled again. */
    SELF,
    /** Removed from the peer list, or the relay is shutting down. */
    STOPPED
}

package dev.waystation.relay.derp;

/**
 * DERP frame types of protocol version 2. Every frame is {@code type (1 byte) ‖ length (uint32
 * big-endian, excluding the 5 header bytes) ‖ payload}. Values 0x0B-0x0F and from 0x16 up are
 * unassigned; the server skips frames of any type it does not act on.
 */
public final class FrameType {

    /** S→C, first frame of every connection: 8-byte magic {@code "DERP🔑"} ‖ 32-byte server public key. */
    public static final byte SERVER_KEY = 0x01;

    /**
     * C→S, must be the client's first frame: 32-byte client public key ‖ 24-byte nonce ‖ NaCl box of
     * the ClientInfo JSON sealed to the server key.
     */
    public static final byte CLIENT_INFO = 0x02;

    /** S→C, the first frame after ServerKey once the client is admitted: 24-byte nonce ‖ NaCl box of JSON. */
    public static final byte SERVER_INFO = 0x03;

    /** C→S: 32-byte destination key ‖ packet bytes (0 to 65 536). */
    public static final byte SEND_PACKET = 0x04;

    /** S→C: 32-byte source key ‖ packet bytes (the v2 layout: the source key is always present). */
    public static final byte RECV_PACKET = 0x05;

    /** S→C, empty: the server's only liveness signal, every 60 s plus a per-connection jitter. */
    public static final byte KEEP_ALIVE = 0x06;

    /** C→S, exactly one byte: non-zero when this is the client's home region (statistics only). */
    public static final byte NOTE_PREFERRED = 0x07;

    /** S→C: 32-byte peer key ‖ 1-byte reason (the relay's {@code PeerGoneReason}). */
    public static final byte PEER_GONE = 0x08;

    /**
     * S→C, to watchers only: 32-byte key ‖ 16-byte IP (IPv4-mapped for IPv4) ‖ 2-byte port ‖ 1-byte
     * flags (the relay's {@code PeerPresentFlags}) = 51 bytes.
     */
    public static final byte PEER_PRESENT = 0x09;

    /** C→S, mesh peers only: 32-byte source key ‖ 32-byte destination key ‖ packet bytes. */
    public static final byte FORWARD_PACKET = 0x0A;

    /** C→S, mesh peers only, empty: subscribe to PeerPresent/PeerGone for every local connection. */
    public static final byte WATCH_CONNS = 0x10;

    /** C→S, mesh peers only: 32-byte key whose local connections the server closes. */
    public static final byte CLOSE_PEER = 0x11;

    /** Both directions: 8 opaque bytes the other side echoes in a Pong (the server accepts 8 to 1000). */
    public static final byte PING = 0x12;

    /** Both directions: the 8 bytes of the Ping being answered. */
    public static final byte PONG = 0x13;

    /** S→C: UTF-8 problem text, empty when healthy again. Defined by the protocol, never sent by derper. */
    public static final byte HEALTH = 0x14;

    /** S→C: uint32 reconnect-in milliseconds ‖ uint32 try-for milliseconds; sent on graceful shutdown. */
    public static final byte RESTARTING = 0x15;

    private FrameType() {
    }
}

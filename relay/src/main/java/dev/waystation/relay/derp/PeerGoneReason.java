package dev.waystation.relay.derp;

/** The reason byte of a PeerGone frame. */
public final class PeerGoneReason {

    /** The peer that sent you packets left the region (for watchers: a key's last connection went away). */
    public static final byte DISCONNECTED = 0x00;

    /** You sent a disco packet to a key this region does not know. */
    public static final byte NOT_HERE = 0x01;

    private PeerGoneReason() {
    }
}

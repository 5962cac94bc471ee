package dev.waystation.relay.derp;

/** Bits of the flags byte of a PeerPresent frame; a modern server never sends 0. */
public final class PeerPresentFlags {

    /** None of the other bits apply. */
    public static final byte IS_REGULAR = 0x01;

    /** The connection authenticated with the mesh key. */
    public static final byte IS_MESH_PEER = 0x02;

    /** The ClientInfo said {@code IsProber: true}. */
    public static final byte IS_PROBER = 0x04;

    /** The upgrade request carried a non-empty {@code Ideal-Node} header. */
    public static final byte NOT_IDEAL = 0x08;

    private PeerPresentFlags() {
    }

    static byte of(boolean meshPeer, boolean prober, boolean notIdeal) {
        int flags = (meshPeer ? IS_MESH_PEER : 0) | (prober ? IS_PROBER : 0) | (notIdeal ? NOT_IDEAL : 0);
        return (byte) (flags == 0 ? IS_REGULAR : flags);
    }
}

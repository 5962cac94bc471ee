package dev.waystation.operator.probe;

import java.util.Locale;

/** What the prober checks on every published node, as derpprobe does. */
public enum ProbeKind {
    /** TLS handshake with the map's name or {@code sha256-raw:} pin; fails on a certificate close to expiry. */
    TLS,
    /** A STUN Binding Request over UDP to the map's address and STUN port answered with the same transaction. */
    STUN,
    /** A DERP client sends itself a packet through the node (derpprobe's mesh probe from a node to itself). */
    DERP,
    /** A client on this node sends a packet to a client on every other node of the region, across the mesh. */
    MESH;

    /** The lower-case name used in metrics, status and Events. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether failing counts toward withholding the node: clients cannot use a node whose DERP or TLS fails. */
    boolean gatesPublication() {
        return this == TLS || this == DERP;
    }
}

package dev.waystation.relay.metrics;

/** Why a packet was dropped: the {@code reason} label of {@code derp_packets_dropped_total}, as derper spells it. */
public enum DropReason {
    /** No connection (and no mesh forwarder) for the destination key. */
    UNKNOWN_DEST("unknown_dest"),
    /** A forwarded packet's destination is not connected here. */
    UNKNOWN_DEST_ON_FWD("unknown_dest_on_fwd"),
    /** The destination connection closed before the packet was written. */
    GONE_DISCONNECTED("gone_disconnected"),
    /** The destination queue was full; its oldest packet made room. */
    QUEUE_HEAD("queue_head"),
    /** The destination queue stayed full; the new packet was dropped. */
    QUEUE_TAIL("queue_tail"),
    /** Writing to the destination failed or timed out. */
    WRITE_ERROR("write_error"),
    /** The key has several connections and none is active. */
    DUP_CLIENT("dup_client");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}

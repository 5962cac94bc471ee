package dev.waystation.relay.derp;

/**
 * Per-connection receive rate limiting (derper's {@code -rate-config}): after each frame the
 * connection asks its throttle how long to wait before reading the next one, and pauses reading
 * for that long (TCP back-pressure; nothing is dropped). Mesh peers are exempt. The default never
 * throttles.
 */
public interface ReadThrottle {

    /** The throttle of one connection; used on that connection's event loop only. */
    interface Throttle {
        /** Charges a received frame of {@code bytes} (header included); returns nanoseconds to pause reading. */
        long charge(int bytes);

        /** The connection closed: release what the throttle holds (policy subscriptions). */
        default void close() {
        }
    }

    /** The throttle for a newly admitted client, or null for none. */
    Throttle forClient(NodeKey client);
}

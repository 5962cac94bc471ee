package dev.waystation.relay.admission;

import dev.waystation.relay.derp.Protocol;
import dev.waystation.relay.policy.ClientPolicy;

/**
 * A client's byte-rate limit as enforced and advertised, derived from its policy with derper's
 * rules: rate 0 means unlimited; the burst is at least one maximal frame ({@link #MIN_BURST}) so a
 * full-size packet can always pass; burst 0 means one second's worth of the rate.
 */
record ClientLimits(long bytesPerSecond, long burstBytes) {

    /** derper raises every burst to one maximal SendPacket payload: 64 KiB + 32-byte key. */
    static final long MIN_BURST = Protocol.MAX_PACKET_SIZE + Protocol.KEY_LENGTH;

    static final ClientLimits UNLIMITED = new ClientLimits(0, 0);

    static ClientLimits of(ClientPolicy policy) {
        long rate = policy.rateLimitBytesPerSecond();
        if (rate <= 0) {
            return UNLIMITED;
        }
        long burst = policy.rateBurstBytes() > 0 ? policy.rateBurstBytes() : rate;
        return new ClientLimits(rate, Math.max(MIN_BURST, burst));
    }

    boolean unlimited() {
        return bytesPerSecond <= 0;
    }

    /** derper charges a frame's length without its 5-byte header, clamped to one maximal frame. */
    static long chargeFor(int frameBytesWithHeader) {
        return Math.min(MIN_BURST, Math.max(0, frameBytesWithHeader - Protocol.FRAME_HEADER_LENGTH));
    }
}

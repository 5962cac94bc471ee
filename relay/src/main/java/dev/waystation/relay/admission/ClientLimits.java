package dev.waystation.relay.admission;

import dev.waystation.relay.derp.Protocol;
import dev.waystation.relay.policy.ClientPolicy;

/**
 * A client's byte-rate limit as enforced on the relay's read side, derived from its policy with
 * derper's rules: rate 0 means unlimited; burst 0 means one second's worth of the rate; the burst is
 * at least one maximal frame with its header ({@link #MIN_BURST}), so a full-size packet always
 * passes, however it is counted.
 */
record ClientLimits(long bytesPerSecond, long burstBytes) {

    /**
     * The smallest burst: one maximal SendPacket frame, 64 KiB packet + 32-byte key + 5-byte header
     * (65,573 B). derper's floor leaves out the header, which is what Tailscale's client counts
     * against an advertised bucket, so a full packet at derper's floor would never fit there.
     */
    static final long MIN_BURST = Protocol.MAX_PACKET_SIZE + Protocol.KEY_LENGTH + Protocol.FRAME_HEADER_LENGTH;

    static final ClientLimits UNLIMITED = new ClientLimits(0, 0);

    static ClientLimits of(ClientPolicy policy) {
        long rate = policy.rateLimitBytesPerSecond();
        if (rate <= 0) {
            return UNLIMITED;
        }
        long burst = policy.rateBurstBytes() > 0 ? policy.rateBurstBytes() : rate;
        return new ClientLimits(rate, Math.max(MIN_BURST, burst));
    }

    /** derper charges a frame's length without its 5-byte header; never more than the burst floor. */
    static long chargeFor(int frameBytesWithHeader) {
        return Math.min(MIN_BURST, Math.max(0, frameBytesWithHeader - Protocol.FRAME_HEADER_LENGTH));
    }
}

package dev.waystation.relay.admission;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.function.LongSupplier;

import dev.waystation.relay.ratelimit.TokenBucket;

/**
 * One accept-rate token bucket per source network, so one busy or hostile source cannot use up the
 * accept budget of everyone else. A source is an IPv4 address or an IPv6 /64 (a single host
 * usually owns a whole /64, so per-address buckets would be free to multiply). At most
 * {@code maxSources} buckets are kept; the least recently seen is dropped to make room, and a
 * rate change starts every source afresh.
 */
final class AcceptBuckets {

    /** IPv4 address or IPv6 /64 prefix; {@code v6} keeps the two spaces apart. */
    private record Source(boolean v6, long bits) {
        static Source of(InetAddress address) {
            byte[] raw = address == null ? new byte[4] : address.getAddress();
            return raw.length == 4 ? new Source(false, ByteBuffer.wrap(raw).getInt() & 0xffffffffL)
                    : new Source(true, ByteBuffer.wrap(raw).getLong());
        }
    }

    private final int maxSources;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<Source, TokenBucket> buckets = new LinkedHashMap<>(256, 0.75f, true);
    private long ratePerSecond;
    private long burst;
    private long evicted;

    AcceptBuckets(int maxSources, LongSupplier nanoClock) {
        if (maxSources < 1) {
            throw new IllegalArgumentException("waystation.admission.accept-sources-max must be at least 1");
        }
        this.maxSources = maxSources;
        this.nanoClock = nanoClock;
    }

    /** Takes one connection from the source's bucket; always true while unlimited. */
    synchronized boolean tryTake(InetAddress address) {
        if (ratePerSecond <= 0) {
            return true;
        }
        Source source = Source.of(address);
        TokenBucket bucket = buckets.get(source);
        if (bucket == null) {
            if (buckets.size() >= maxSources) {
                var eldest = buckets.keySet().iterator();
                eldest.next();
                eldest.remove();
                evicted++;
            }
            bucket = new TokenBucket(ratePerSecond, burst, nanoClock);
            buckets.put(source, bucket);
        }
        return bucket.tryTake(1);
    }

    /** New limits for every source: 0 rate means unlimited (and no buckets kept). */
    synchronized void reconfigure(long newRatePerSecond, long newBurst) {
        if (newRatePerSecond == ratePerSecond && newBurst == burst) {
            return;
        }
        ratePerSecond = newRatePerSecond;
        burst = newBurst;
        buckets.clear();
    }

    synchronized int size() {
        return buckets.size();
    }

    synchronized long evicted() {
        return evicted;
    }
}

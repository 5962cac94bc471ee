package dev.waystation.relay.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Per-source accept buckets on a clock that only moves when the test says so. */
class AcceptBucketsTest {

    private final AtomicLong now = new AtomicLong();

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void oneSourceUsingUpItsBurstLeavesOthersTheirOwn() throws Exception {
        AcceptBuckets buckets = new AcceptBuckets(100, now::get);
        buckets.reconfigure(1, 2);
        assertThat(buckets.tryTake(ip("192.0.2.1"))).isTrue();
        assertThat(buckets.tryTake(ip("192.0.2.1"))).isTrue();
        assertThat(buckets.tryTake(ip("192.0.2.1"))).as("third in the same second").isFalse();
        assertThat(buckets.tryTake(ip("192.0.2.2"))).as("another source").isTrue();
    }

    @Test
    void anIpv6SlashSixtyFourIsOneSource() throws Exception {
        AcceptBuckets buckets = new AcceptBuckets(100, now::get);
        buckets.reconfigure(1, 1);
        assertThat(buckets.tryTake(ip("2001:db8:0:1::1"))).isTrue();
        assertThat(buckets.tryTake(ip("2001:db8:0:1::ffff"))).as("same /64, other address").isFalse();
        assertThat(buckets.tryTake(ip("2001:db8:0:2::1"))).as("next /64").isTrue();
        assertThat(buckets.size()).isEqualTo(2);
    }

    @Test
    void theMapIsBoundedDroppingTheLeastRecentlySeen() throws Exception {
        AcceptBuckets buckets = new AcceptBuckets(3, now::get);
        buckets.reconfigure(1, 1);
        for (int i = 1; i <= 10; i++) {
            buckets.tryTake(ip("198.51.100." + i));
        }
        assertThat(buckets.size()).isEqualTo(3);
        assertThat(buckets.evicted()).isEqualTo(7);
    }

    @Test
    void unlimitedKeepsNoBucketsAndANewRateStartsAfresh() throws Exception {
        AcceptBuckets buckets = new AcceptBuckets(3, now::get);
        assertThat(buckets.tryTake(ip("192.0.2.1"))).isTrue();
        assertThat(buckets.size()).isZero();
        buckets.reconfigure(1, 1);
        assertThat(buckets.tryTake(ip("192.0.2.1"))).isTrue();
        assertThat(buckets.tryTake(ip("192.0.2.1"))).isFalse();
        buckets.reconfigure(1, 1);
        assertThat(buckets.tryTake(ip("192.0.2.1"))).as("same limits: the bucket is kept").isFalse();
        buckets.reconfigure(2, 2);
        assertThat(buckets.tryTake(ip("192.0.2.1"))).as("new limits").isTrue();
    }
}

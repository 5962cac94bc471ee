package dev.waystation.relay.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final AtomicLong now = new AtomicLong(1_000);

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void startsFullAndRefillsAtTheRate() {
        TokenBucket bucket = new TokenBucket(10, 5, now::get);
        for (int i = 0; i < 5; i++) {
            assertThat(bucket.tryTake(1)).isTrue();
        }
        assertThat(bucket.tryTake(1)).isFalse();
        advanceMillis(100);
        assertThat(bucket.tryTake(1)).isTrue();
        assertThat(bucket.tryTake(1)).isFalse();
    }

    @Test
    void neverAccruesBeyondBurst() {
        TokenBucket bucket = new TokenBucket(10, 3, now::get);
        advanceMillis(10_000);
        assertThat(bucket.tryTake(3)).isTrue();
        assertThat(bucket.tryTake(1)).isFalse();
    }

    @Test
    void chargeGoesIntoDebtAndReportsTheWait() {
        TokenBucket bucket = new TokenBucket(1000, 1000, now::get);
        assertThat(bucket.charge(1000)).isZero();
        assertThat(bucket.charge(500)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        advanceMillis(500);
        assertThat(bucket.charge(0)).isZero();
    }

    @Test
    void zeroRateIsUnlimited() {
        TokenBucket bucket = TokenBucket.unlimited(now::get);
        assertThat(bucket.isUnlimited()).isTrue();
        assertThat(bucket.charge(1 << 30)).isZero();
        assertThat(bucket.tryTake(1 << 30)).isTrue();
    }

    @Test
    void reconfigureKeepsDebtAndCapsTokens() {
        TokenBucket bucket = new TokenBucket(100, 100, now::get);
        bucket.charge(300);
        bucket.reconfigure(200, 100);
        assertThat(bucket.charge(0)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        advanceMillis(10_000);
        bucket.reconfigure(200, 50);
        assertThat(bucket.tryTake(50)).isTrue();
        assertThat(bucket.tryTake(1)).isFalse();
    }

    @Test
    void becomingUnlimitedForgivesDebt() {
        TokenBucket bucket = new TokenBucket(100, 100, now::get);
        bucket.charge(1000);
        bucket.reconfigure(0, 0);
        assertThat(bucket.charge(10)).isZero();
    }

    @Test
    void limitingAnUnlimitedBucketStartsItFull() {
        TokenBucket bucket = TokenBucket.unlimited(now::get);
        bucket.reconfigure(50, 50);
        assertThat(bucket.tryTake(50)).isTrue();
        assertThat(bucket.tryTake(1)).isFalse();
    }
}

package dev.waystation.relay.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class VerdictCacheTest {

    private static final long TTL = TimeUnit.SECONDS.toNanos(10);
    private static final String KEY = "nodekey:" + "a".repeat(64);

    private final AtomicLong now = new AtomicLong(1_000);
    private final VerdictCache cache = new VerdictCache(TTL, 3, now::get);

    @Test
    void aDefiniteVerdictIsKeptUntilItsTtlRunsOut() {
        cache.put(KEY, AdmissionReason.WEBHOOK_DENIED);
        now.addAndGet(TTL - 1);
        assertThat(cache.get(KEY)).isEqualTo(AdmissionReason.WEBHOOK_DENIED);
        now.addAndGet(1);
        assertThat(cache.get(KEY)).isNull();
    }

    @Test
    void errorsAndFailOpenAdmissionsAreAskedAgain() {
        for (AdmissionReason reason : new AdmissionReason[] {AdmissionReason.WEBHOOK_UNREACHABLE,
                AdmissionReason.WEBHOOK_UNREACHABLE_FAIL_OPEN, AdmissionReason.WEBHOOK_BAD_STATUS,
                AdmissionReason.WEBHOOK_BAD_RESPONSE}) {
            cache.put(KEY, reason);
            assertThat(cache.get(KEY)).as(reason.label()).isNull();
        }
        cache.put(KEY, AdmissionReason.ADMITTED);
        assertThat(cache.get(KEY)).isEqualTo(AdmissionReason.ADMITTED);
    }

    @Test
    void clearForgetsEverything() {
        cache.put(KEY, AdmissionReason.ADMITTED);
        cache.clear();
        assertThat(cache.get(KEY)).isNull();
    }

    @Test
    void aFullCacheMakesRoomFromExpiredEntriesOnlyAndOtherwiseStopsCaching() {
        cache.put("nodekey:1", AdmissionReason.ADMITTED);
        cache.put("nodekey:2", AdmissionReason.ADMITTED);
        now.addAndGet(TTL / 2);
        cache.put("nodekey:3", AdmissionReason.ADMITTED);
        cache.put("nodekey:4", AdmissionReason.ADMITTED);
        assertThat(cache.get("nodekey:4")).as("no room: nothing expired").isNull();

        now.addAndGet(TTL / 2);
        cache.put("nodekey:4", AdmissionReason.ADMITTED);
        assertThat(cache.get("nodekey:4")).as("room from the two expired entries").isEqualTo(AdmissionReason.ADMITTED);
        assertThat(cache.get("nodekey:3")).isEqualTo(AdmissionReason.ADMITTED);
    }

    @Test
    void aZeroTtlCachesNothing() {
        VerdictCache off = new VerdictCache(0, 3, now::get);
        off.put(KEY, AdmissionReason.ADMITTED);
        assertThat(off.get(KEY)).isNull();
    }
}

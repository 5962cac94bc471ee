package dev.waystation.relay.admission;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Webhook verdicts per node key, kept for a short time so a client that reconnects in a loop does
 * not turn into a request storm against the admission controller. Only definite answers are cached
 * (allowed or denied by the webhook); errors are asked again next time. Entries are dropped when
 * the webhook's settings change.
 */
public final class VerdictCache {

    private record Entry(AdmissionReason reason, long expiresAtNanos) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final int maxEntries;

    public VerdictCache(long ttlNanos, int maxEntries, LongSupplier nanoClock) {
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
    }

    /** The cached verdict for {@code nodeKey}, or null when there is none or it expired. */
    public AdmissionReason get(String nodeKey) {
        Entry entry = entries.get(nodeKey);
        if (entry == null) {
            return null;
        }
        if (nanoClock.getAsLong() - entry.expiresAtNanos >= 0) {
            entries.remove(nodeKey, entry);
            return null;
        }
        return entry.reason;
    }

    public void put(String nodeKey, AdmissionReason reason) {
        if (ttlNanos <= 0 || !isDefinite(reason)) {
            return;
        }
        if (entries.size() >= maxEntries) {
            evictExpired();
            if (entries.size() >= maxEntries) {
                return;
            }
        }
        entries.put(nodeKey, new Entry(reason, nanoClock.getAsLong() + ttlNanos));
    }

    public void clear() {
        entries.clear();
    }

    private static boolean isDefinite(AdmissionReason reason) {
        return reason == AdmissionReason.ADMITTED || reason == AdmissionReason.WEBHOOK_DENIED;
    }

    private void evictExpired() {
        long now = nanoClock.getAsLong();
        entries.values().removeIf(entry -> now - entry.expiresAtNanos >= 0);
    }
}

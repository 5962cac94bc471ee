package dev.waystation.policy.source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.waystation.policy.setting.ErrorCode;
import dev.waystation.policy.setting.Origin;
import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingError;
import dev.waystation.policy.setting.SettingItem;
import dev.waystation.policy.setting.SettingKey;
import dev.waystation.policy.setting.SettingValueException;
import dev.waystation.policy.setting.Snapshot;
import dev.waystation.policy.setting.SourceSnapshot;

/**
 * Caches one store's snapshot and re-reads it after the store reports a change. Reads every
 * registered setting configurable at the source's scope, at both levels, once per pass. A failed
 * pass keeps the last good snapshot and records the failure. A value the setting rejects keeps that
 * key's last good value from this source (a deny list never empties because one element is wrong)
 * and is reported as a problem naming the key and the element; without a last good value it becomes
 * an error item.
 */
public final class SourceReader implements AutoCloseable {

    /** What the reader tells its owner. Called on the store's notifying thread. */
    public interface Events {
        /** The store changed; the cached snapshot is stale. */
        void changed();

        /** The store expired and must no longer be used. */
        void expired();
    }

    private final PolicyStore store;
    private final Origin origin;
    private final Collection<SettingDefinition<?>> definitions;
    private final Subscription subscription;
    private volatile boolean upToDate;
    private volatile boolean closed;
    private volatile SourceSnapshot last;
    private volatile String failure;
    /** Values rejected in the last pass whose key kept its last good value, one line each. */
    private volatile List<String> keptLastGood = List.of();

    /**
     * Subscribes to changes first, so none is missed, then reads the store once.
     *
     * @throws PolicyReadException when the store has expired or its first read fails as a whole;
     *         nothing stays subscribed then
     */
    public SourceReader(PolicyStore store, Origin origin, Collection<SettingDefinition<?>> definitions, Events events)
            throws PolicyReadException {
        this.store = store;
        this.origin = origin;
        this.definitions = definitions;
        this.last = SourceSnapshot.empty(origin);
        if (store instanceof ExpirableStore expirable && expirable.expiry().toCompletableFuture().isDone()) {
            throw new PolicyReadException(ErrorCode.STORE_CLOSED, "the policy store has been closed");
        }
        this.subscription = store instanceof ChangeNotifier notifier ? notifier.subscribe(() -> {
            upToDate = false;
            if (!closed) {
                events.changed();
            }
        }) : () -> { };
        pass(true);
        if (failure != null) {
            subscription.cancel();
            throw new PolicyReadException(ErrorCode.READ_FAILED, failure);
        }
        if (store instanceof ExpirableStore expirable) {
            expirable.expiry().whenComplete((ignored, error) -> {
                if (!closed) {
                    events.expired();
                }
            });
        }
    }

    public Origin origin() {
        return origin;
    }

    /** The cached snapshot, re-read first when the store changed since the last pass. Never fails. */
    public SourceSnapshot snapshot() {
        return upToDate ? last : pass(false);
    }

    /** A forced pass: re-reads even when nothing changed. Never fails; see {@link #failure()}. */
    public SourceSnapshot read() {
        return pass(true);
    }

    /** Why the last pass failed as a whole (the last good snapshot is still served), if it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The store's own problem text and the rejected values that kept their last good value, if any. */
    public Optional<String> problem() {
        if (closed) {
            return Optional.empty();
        }
        List<String> kept = keptLastGood;
        if (kept.isEmpty()) {
            return store.problem();
        }
        String rejected = String.join("; ", kept);
        return Optional.of(store.problem().map(own -> own + "; " + rejected).orElse(rejected));
    }

    /** Stops listening to the store. Does not close the store: its registrant owns it. */
    @Override
    public void close() {
        closed = true;
        subscription.cancel();
    }

    private synchronized SourceSnapshot pass(boolean force) {
        if (closed || (upToDate && !force)) {
            return last;
        }
        LockableStore lockable = store instanceof LockableStore l ? l : null;
        if (lockable != null) {
            try {
                lockable.lock();
            } catch (PolicyReadException | RuntimeException e) {
                failure = e.getMessage() == null ? e.toString() : e.getMessage();
                return last;
            }
        }
        // Up to date before reading: a change that lands during the pass marks it stale again.
        upToDate = true;
        try {
            List<String> kept = new ArrayList<>();
            SourceSnapshot next = new SourceSnapshot(origin, level(PolicyLevel.MANDATORY, kept),
                    level(PolicyLevel.RECOMMENDED, kept));
            keptLastGood = List.copyOf(kept);
            failure = null;
            if (!next.equalItems(last)) {
                last = next;
            }
            return last;
        } finally {
            if (lockable != null) {
                lockable.unlock();
            }
        }
    }

    private Snapshot level(PolicyLevel level, List<String> kept) {
        Map<SettingKey, SettingItem> items = new HashMap<>();
        for (SettingDefinition<?> definition : definitions) {
            if (!origin.scope().isConfigurable(definition)) {
                continue;
            }
            SettingItem item = readItem(definition, level);
            SettingItem lastGood = last.level(level).get(definition.key());
            if (item != null && isRejectedValue(item) && lastGood != null && !lastGood.isError()) {
                kept.add(level.text() + ".\"" + definition.key() + "\": " + item.error().message()
                        + " (keeping the last good value)");
                item = lastGood;
            }
            if (item != null) {
                items.put(definition.key(), item);
            }
        }
        return Snapshot.of(items, origin.scope(), origin);
    }

    private static boolean isRejectedValue(SettingItem item) {
        return item.isError() && (item.error().code() == ErrorCode.TYPE_MISMATCH
                || item.error().code() == ErrorCode.INVALID_VALUE);
    }

    private SettingItem readItem(SettingDefinition<?> definition, PolicyLevel level) {
        try {
            Optional<Object> raw = store.read(definition, level);
            if (raw.isEmpty()) {
                return null;
            }
            return SettingItem.value(definition.coerce(raw.get()), origin, level);
        } catch (SettingValueException e) {
            return SettingItem.error(SettingError.of(e), origin, level);
        } catch (PolicyReadException e) {
            return SettingItem.error(new SettingError(e.code(), e.getMessage()), origin, level);
        } catch (RuntimeException e) {
            return SettingItem.error(new SettingError(ErrorCode.READ_FAILED, String.valueOf(e)), origin, level);
        }
    }
}

package dev.waystation.policy.source;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import dev.waystation.policy.setting.ErrorCode;
import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingKey;

/**
 * An in-memory store for tests and programmatic use, with every capability. Writes take the write
 * lock (so a locked read pass sees a stable state) and then notify subscribers once; a value may
 * also be a {@link PolicyReadException} that the read of that key throws. Reads are counted per key.
 */
public final class MemoryStore implements PolicyStore, ChangeNotifier, LockableStore, ExpirableStore,
        AutoCloseable {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final ChangeListeners listeners = new ChangeListeners();
    private final CompletableFuture<Void> expiry = new CompletableFuture<>();
    private final Map<SettingKey, AtomicInteger> readCounts = new ConcurrentHashMap<>();
    private Map<SettingKey, Object> mandatory = Map.of();
    private Map<SettingKey, Object> recommended = Map.of();
    private volatile String problem;

    public MemoryStore() {
    }

    /** A store holding the given mandatory values (keys are setting names). */
    public static MemoryStore ofMandatory(Map<String, ?> values) {
        MemoryStore store = new MemoryStore();
        store.replace(values, Map.of());
        return store;
    }

    /** Replaces everything at once and notifies once. */
    public void replace(Map<String, ?> newMandatory, Map<String, ?> newRecommended) {
        write(() -> {
            mandatory = keyed(newMandatory);
            recommended = keyed(newRecommended);
        });
    }

    /** Replaces everything and the problem text at once and notifies once. */
    public void replace(Map<String, ?> newMandatory, Map<String, ?> newRecommended, String newProblem) {
        write(() -> {
            mandatory = keyed(newMandatory);
            recommended = keyed(newRecommended);
            problem = newProblem;
        });
    }

    /** Sets one value ({@code null} removes it) and notifies. */
    public void set(PolicyLevel level, String key, Object value) {
        write(() -> {
            Map<SettingKey, Object> copy = new HashMap<>(level == PolicyLevel.MANDATORY ? mandatory : recommended);
            if (value == null) {
                copy.remove(SettingKey.of(key));
            } else {
                copy.put(SettingKey.of(key), value);
            }
            if (level == PolicyLevel.MANDATORY) {
                mandatory = Map.copyOf(copy);
            } else {
                recommended = Map.copyOf(copy);
            }
        });
    }

    public void setMandatory(String key, Object value) {
        set(PolicyLevel.MANDATORY, key, value);
    }

    public void setRecommended(String key, Object value) {
        set(PolicyLevel.RECOMMENDED, key, value);
    }

    /** Sets or clears ({@code null}) the store's problem text and notifies. */
    public void setProblem(String text) {
        write(() -> problem = text);
    }

    /** Notifies subscribers without changing anything (no-op changes must fire no policy event). */
    public void notifyChanged() {
        listeners.fire();
    }

    @Override
    public Optional<Object> read(SettingDefinition<?> definition, PolicyLevel level) throws PolicyReadException {
        readCounts.computeIfAbsent(definition.key(), k -> new AtomicInteger()).incrementAndGet();
        if (expiry.isDone()) {
            throw new PolicyReadException(ErrorCode.STORE_CLOSED, "the policy store has been closed");
        }
        lock.readLock().lock();
        try {
            Object value = (level == PolicyLevel.MANDATORY ? mandatory : recommended).get(definition.key());
            if (value instanceof PolicyReadException e) {
                throw new PolicyReadException(e.code(), e.getMessage(), e);
            }
            return Optional.ofNullable(value);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How many times {@code key} was read (both levels count). */
    public int reads(String key) {
        AtomicInteger count = readCounts.get(SettingKey.of(key));
        return count == null ? 0 : count.get();
    }

    public void resetReadCounts() {
        readCounts.clear();
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public Subscription subscribe(Runnable onChange) {
        return listeners.subscribe(onChange);
    }

    /** Number of live change subscriptions (tests check that the engine unsubscribes). */
    public int subscribers() {
        return listeners.size();
    }

    @Override
    public void lock() throws PolicyReadException {
        if (expiry.isDone()) {
            throw new PolicyReadException(ErrorCode.STORE_CLOSED, "the policy store has been closed");
        }
        lock.readLock().lock();
    }

    @Override
    public void unlock() {
        lock.readLock().unlock();
    }

    @Override
    public CompletionStage<Void> expiry() {
        return expiry;
    }

    /** Expires the store. */
    @Override
    public void close() {
        expiry.complete(null);
    }

    private void write(Runnable change) {
        lock.writeLock().lock();
        try {
            change.run();
        } finally {
            lock.writeLock().unlock();
        }
        listeners.fire();
    }

    /** A {@code null} value (YAML {@code Key:} with nothing) means not configured. */
    private static Map<SettingKey, Object> keyed(Map<String, ?> values) {
        Map<SettingKey, Object> out = new HashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                out.put(SettingKey.of(k), v);
            }
        });
        return Map.copyOf(out);
    }
}

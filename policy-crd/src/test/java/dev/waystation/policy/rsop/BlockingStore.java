package dev.waystation.policy.rsop;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingKey;
import dev.waystation.policy.source.ChangeListeners;
import dev.waystation.policy.source.ChangeNotifier;
import dev.waystation.policy.source.PolicyStore;
import dev.waystation.policy.source.Subscription;

/**
 * A store of one mandatory value whose next read, once {@link #arm armed}, signals {@link #reading},
 * blocks until {@link #release} and then returns the value it saw before blocking: a read in
 * flight while a write lands. Not lockable, so a write never waits for the read.
 */
final class BlockingStore implements PolicyStore, ChangeNotifier {

    final CountDownLatch reading = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final SettingKey key;
    private final Map<SettingKey, Object> values = new ConcurrentHashMap<>();
    private final ChangeListeners listeners = new ChangeListeners();
    private final AtomicBoolean armed = new AtomicBoolean();

    BlockingStore(String key, Object value) {
        this.key = SettingKey.of(key);
        values.put(this.key, value);
    }

    /** The next read of the key blocks. */
    void arm() {
        armed.set(true);
    }

    /** Sets the value and notifies on the caller's thread. */
    void change(Object value) {
        values.put(key, value);
        listeners.fire();
    }

    @Override
    public Optional<Object> read(SettingDefinition<?> definition, PolicyLevel level) {
        if (level != PolicyLevel.MANDATORY) {
            return Optional.empty();
        }
        Object value = values.get(definition.key());
        if (definition.key().equals(key) && armed.compareAndSet(true, false)) {
            reading.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the blocked read was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return Optional.ofNullable(value);
    }

    @Override
    public Subscription subscribe(Runnable onChange) {
        return listeners.subscribe(onChange);
    }
}

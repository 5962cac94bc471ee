package dev.waystation.policy.rsop;

import java.util.Optional;

import dev.waystation.policy.setting.ErrorCode;
import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.source.ChangeListeners;
import dev.waystation.policy.source.ChangeNotifier;
import dev.waystation.policy.source.LockableStore;
import dev.waystation.policy.source.MemoryStore;
import dev.waystation.policy.source.PolicyReadException;
import dev.waystation.policy.source.PolicyStore;
import dev.waystation.policy.source.Subscription;

/** A store whose whole read pass can be made to fail (its lock throws), like an unreadable file. */
final class FlakyStore implements PolicyStore, LockableStore, ChangeNotifier {

    volatile boolean failLock;
    private final MemoryStore values = new MemoryStore();
    private final ChangeListeners listeners = new ChangeListeners();

    void setMandatory(String key, Object value) {
        values.setMandatory(key, value);
        listeners.fire();
    }

    int subscribers() {
        return listeners.size();
    }

    @Override
    public Optional<Object> read(SettingDefinition<?> definition, PolicyLevel level) throws PolicyReadException {
        return values.read(definition, level);
    }

    @Override
    public void lock() throws PolicyReadException {
        if (failLock) {
            throw new PolicyReadException(ErrorCode.READ_FAILED, "disk on fire");
        }
    }

    @Override
    public void unlock() {
    }

    @Override
    public Subscription subscribe(Runnable onChange) {
        return listeners.subscribe(onChange);
    }
}

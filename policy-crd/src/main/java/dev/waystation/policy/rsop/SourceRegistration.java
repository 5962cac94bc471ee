package dev.waystation.policy.rsop;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.waystation.policy.source.PolicyReadException;
import dev.waystation.policy.source.PolicyStore;
import dev.waystation.policy.source.SourceRegistrar;

/**
 * The handle of one registered source. {@link #unregister()} is idempotent; {@link #replace} is
 * one-shot (it returns the new handle) and keeps the source's position.
 */
public final class SourceRegistration implements SourceRegistrar.Registration {

    private final PolicyEngine engine;
    private final RegisteredSource source;
    private final AtomicBoolean consumed = new AtomicBoolean();

    SourceRegistration(PolicyEngine engine, RegisteredSource source) {
        this.engine = engine;
        this.source = source;
    }

    public String name() {
        return source.name();
    }

    /** Removes the source from every resultant policy, which reload synchronously. Idempotent. */
    @Override
    public void unregister() {
        if (consumed.compareAndSet(false, true)) {
            engine.unregister(source);
        }
    }

    /**
     * Swaps in {@code store} atomically: every policy shows the old values or the new ones, never
     * both or neither.
     *
     * @throws PolicyReadException when the new store's first read fails; the old one stays registered
     *         and this handle stays usable
     * @throws RegistrationConsumedException when this handle was already unregistered or replaced
     */
    public SourceRegistration replace(PolicyStore store) throws PolicyReadException {
        synchronized (consumed) {
            if (consumed.get()) {
                throw new RegistrationConsumedException();
            }
            SourceRegistration next = engine.replace(source, store);
            consumed.set(true);
            return next;
        }
    }

    public boolean isActive() {
        return !consumed.get();
    }
}

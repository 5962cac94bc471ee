package dev.waystation.policy.source;

import dev.waystation.policy.setting.PolicyScope;

/**
 * Where sources are registered: the resultant-policy engine implements it. Stores that manage
 * several sources (a policy document) register through it.
 */
public interface SourceRegistrar {

    /** A registered source; unregistering is idempotent. */
    interface Registration {
        void unregister();
    }

    /**
     * Registers {@code store} as source {@code name} at {@code scope}. Within one scope kind a higher
     * {@code priority} ranks as registered later; equal priorities keep registration order.
     *
     * @throws PolicyReadException when the store's first read fails; nothing is registered then
     */
    Registration register(String name, PolicyScope scope, int priority, PolicyStore store) throws PolicyReadException;
}

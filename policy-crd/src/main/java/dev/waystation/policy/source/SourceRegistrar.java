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
     * Registers {@code store} as source {@code name} at {@code scope}. Within one scope kind the
     * higher {@code priority} wins, then the name that sorts later
     * ({@link dev.waystation.policy.rsop.SourcePrecedence}); the order of registration never matters.
     *
     * @throws PolicyReadException when the store's first read fails; nothing is registered then
     */
    Registration register(String name, PolicyScope scope, int priority, PolicyStore store) throws PolicyReadException;
}

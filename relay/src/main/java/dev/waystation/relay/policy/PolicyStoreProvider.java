package dev.waystation.relay.policy;

import java.util.List;

import dev.waystation.policy.source.DocumentStatus;
import dev.waystation.policy.source.SourceRegistrar;

/**
 * A CDI bean that contributes more policy sources (for example the Kubernetes ConfigMap store).
 * Every such bean is called once at startup, after the policy file's sources, and may register
 * any number of stores; it owns them and unregisters them when it stops.
 */
public interface PolicyStoreProvider {

    /** Registers this provider's stores. A failure is logged and the relay starts without them. */
    void register(SourceRegistrar registrar) throws Exception;

    /** The documents this provider reads, for {@code /debug/policy}; none by default. */
    default List<DocumentStatus> documents() {
        return List.of();
    }
}

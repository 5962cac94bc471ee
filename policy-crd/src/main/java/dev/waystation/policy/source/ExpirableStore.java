package dev.waystation.policy.source;

import java.util.concurrent.CompletionStage;

/**
 * A store capability: the store says when it must no longer be used. The engine then drops the
 * source (its values leave every resultant policy) as if it had been unregistered.
 */
public interface ExpirableStore {

    /** Completes when the store expires. */
    CompletionStage<Void> expiry();
}

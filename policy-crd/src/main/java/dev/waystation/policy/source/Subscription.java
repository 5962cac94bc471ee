package dev.waystation.policy.source;

/** Stops a subscription. Idempotent. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    void cancel();

    @Override
    default void close() {
        cancel();
    }
}

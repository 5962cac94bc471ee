package dev.waystation.policy.source;

/**
 * A store capability: a shared read lock that keeps the store's state still while held, so a read
 * pass sees one consistent version. A failed lock aborts the pass; the last good snapshot stays.
 */
public interface LockableStore {

    void lock() throws PolicyReadException;

    /** Releases a lock taken by {@link #lock()} on the same thread. */
    void unlock();
}

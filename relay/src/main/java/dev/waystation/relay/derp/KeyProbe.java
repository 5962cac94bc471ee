package dev.waystation.relay.derp;

import io.netty.buffer.ByteBuf;

/**
 * A reusable, mutable lookup key: looks up a {@link NodeKey} in a hash map straight from the 32 bytes
 * of a frame without allocating. ConcurrentHashMap calls {@code probe.equals(storedKey)}, so the
 * asymmetric equality is sound for lookups; a probe is never stored. One per connection, used on
 * that connection's event loop only.
 */
final class KeyProbe {

    private long k0;
    private long k1;
    private long k2;
    private long k3;

    KeyProbe set(ByteBuf buf, int index) {
        k0 = buf.getLong(index);
        k1 = buf.getLong(index + 8);
        k2 = buf.getLong(index + 16);
        k3 = buf.getLong(index + 24);
        return this;
    }

    NodeKey toKey() {
        return new NodeKey(k0, k1, k2, k3);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeKey key && key.k0 == k0 && key.k1 == k1 && key.k2 == k2 && key.k3 == k3;
    }

    @Override
    public int hashCode() {
        return NodeKey.hash(k0, k1, k2, k3);
    }
}

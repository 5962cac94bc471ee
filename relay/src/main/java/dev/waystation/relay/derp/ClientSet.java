package dev.waystation.relay.derp;

import java.util.ArrayList;
import java.util.List;

/**
 * The connections of one key. Usually one; several while a client reconnects or when a key is
 * cloned, and then derper's "last writer is active" policy picks which one receives packets.
 * {@link #active} is read lock-free by senders; everything else is guarded by the registry's lock.
 */
final class ClientSet {

    /** The connection that receives this key's packets; null while a duplicate set has no active member. */
    volatile DerpConnection active;

    final List<DerpConnection> members = new ArrayList<>(1);

    /** Duplicates only: the most recent member to be added or to send, or null if it left since. */
    DerpConnection last;

    /** Duplicates only: members in the order they last sent anything, adjacent repeats removed. */
    final List<DerpConnection> sendHistory = new ArrayList<>(0);

    ClientSet(DerpConnection first) {
        members.add(first);
        active = first;
    }

    boolean isDuplicate() {
        return members.size() > 1;
    }

    /** Removes {@code c}, and as derper does, picks the latest remaining sender as the new {@code last}. */
    void remove(DerpConnection c) {
        members.remove(c);
        if (last == c) {
            last = null;
        }
        List<DerpConnection> trimmed = new ArrayList<>(sendHistory.size());
        for (DerpConnection v : sendHistory) {
            if (members.contains(v) && (trimmed.isEmpty() || trimmed.get(trimmed.size() - 1) != v)) {
                trimmed.add(v);
            }
        }
        sendHistory.clear();
        sendHistory.addAll(trimmed);
        if (last == null && !sendHistory.isEmpty()) {
            last = sendHistory.get(sendHistory.size() - 1);
        }
    }
}

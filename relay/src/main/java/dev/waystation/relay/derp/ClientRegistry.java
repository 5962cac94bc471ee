package dev.waystation.relay.derp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.waystation.relay.metrics.DerpMetrics;

/**
 * Who is connected: keys to their connections (lock-free lookups on every packet), mesh forwarders,
 * watchers, and who has heard from whom (for PeerGone). Changes take the registry's lock, as
 * derper's do its server mutex; none of them happens per packet except for duplicate keys.
 */
final class ClientRegistry {

    private final ConcurrentHashMap<NodeKey, ClientSet> clients = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<NodeKey, PacketForwarder> forwarders = new ConcurrentHashMap<>();
    /** Source key to the connections that have been sent packets from it. Guarded by this. */
    private final Map<NodeKey, Set<DerpConnection>> correspondents = new HashMap<>();
    /** Mesh peers subscribed to presence changes. Guarded by this. */
    private final Set<DerpConnection> watchers = new LinkedHashSet<>();
    private final DerpMetrics metrics;

    ClientRegistry(DerpMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * What {@code /debug/check} reports, like derper's consistency check: the local-clients gauge
     * must match the map of connected keys, and every connected key must have a member connection.
     * Empty when consistent.
     */
    synchronized List<String> consistencyProblems() {
        List<String> problems = new ArrayList<>();
        if (metrics.clientsLocal.get() != clients.size()) {
            problems.add("clients gauge = " + metrics.clientsLocal.get() + " != clients map says of " + clients.size());
        }
        long empty = clients.values().stream().filter(set -> set.members.isEmpty()).count();
        if (empty != 0) {
            problems.add(empty + " connected keys without a connection");
        }
        return problems;
    }

    /** The connections of a key ({@link NodeKey} or {@link KeyProbe}), or null. */
    ClientSet lookup(Object key) {
        return clients.get(key);
    }

    PacketForwarder forwarder(Object key) {
        return forwarders.isEmpty() ? null : forwarders.get(key);
    }

    /** Adds an admitted connection; the newest connection of a key becomes its active one. */
    synchronized void register(DerpConnection c) {
        ClientSet set = clients.get(c.key());
        if (set == null) {
            clients.put(c.key(), new ClientSet(c));
            metrics.clientsLocal.incrementAndGet();
        } else {
            DerpConnection was = set.active;
            if (!set.isDuplicate()) {
                metrics.currentDupClientKeys.incrementAndGet();
                metrics.currentDupClientConns.addAndGet(2);
                set.sendHistory.clear();
                if (was != null) {
                    set.sendHistory.add(was);
                    was.duplicate = true;
                }
            } else {
                metrics.currentDupClientConns.incrementAndGet();
                set.sendHistory.add(c);
            }
            metrics.totalDupClientConns.increment();
            set.members.add(c);
            c.duplicate = true;
            set.last = c;
            set.active = c;
        }
        metrics.currentConnections.incrementAndGet();
        for (DerpConnection w : watchers) {
            w.sendControl(ControlFrame.peerPresent(c.key(), c.remoteAddress(), c.presentFlags()));
        }
    }

    /** Removes a closing connection; the key's last departure is announced to watchers and correspondents. */
    synchronized void unregister(DerpConnection c) {
        watchersRemove(c);
        ClientSet set = clients.get(c.key());
        metrics.currentConnections.decrementAndGet();
        if (set == null || !set.members.contains(c)) {
            return;
        }
        if (!set.isDuplicate()) {
            set.members.clear();
            set.active = null;
            clients.remove(c.key(), set);
            metrics.clientsLocal.decrementAndGet();
            if (!forwarders.containsKey(c.key())) {
                peerGoneFromRegion(c.key());
            }
            for (DerpConnection w : watchers) {
                w.sendControl(ControlFrame.peerGone(c.key(), PeerGoneReason.DISCONNECTED));
            }
            return;
        }
        set.remove(c);
        metrics.currentDupClientConns.decrementAndGet();
        if (set.members.size() == 1) {
            metrics.currentDupClientConns.decrementAndGet();
            metrics.currentDupClientKeys.decrementAndGet();
            DerpConnection remaining = set.members.get(0);
            remaining.duplicate = false;
            set.sendHistory.clear();
            set.last = null;
            set.active = remaining;
        } else {
            set.active = set.last;
        }
    }

    /** A frame arrived on {@code c}: among duplicates, the last connection that sent anything is active. */
    void noteActivity(DerpConnection c) {
        if (!c.duplicate) {
            return;
        }
        synchronized (this) {
            ClientSet set = clients.get(c.key());
            if (set == null || !set.isDuplicate() || !set.members.contains(c)) {
                return;
            }
            set.last = c;
            set.active = c;
            List<DerpConnection> history = set.sendHistory;
            if (history.isEmpty() || history.get(history.size() - 1) != c) {
                history.add(c);
            }
        }
    }

    /** Records that {@code receiver} has been sent a packet from {@code source}. */
    synchronized void addCorrespondent(NodeKey source, DerpConnection receiver) {
        correspondents.computeIfAbsent(source, k -> new LinkedHashSet<>()).add(receiver);
    }

    synchronized void removeCorrespondent(NodeKey source, DerpConnection receiver) {
        Set<DerpConnection> set = correspondents.get(source);
        if (set != null && set.remove(receiver) && set.isEmpty()) {
            correspondents.remove(source);
        }
    }

    /** {@code key} left the whole region: tell everyone who heard from it, once. Caller holds the lock. */
    private void peerGoneFromRegion(NodeKey key) {
        Set<DerpConnection> heard = correspondents.remove(key);
        if (heard != null) {
            for (DerpConnection receiver : heard) {
                receiver.peerGoneFromRegion(key);
            }
        }
    }

    /** Subscribes a mesh peer: it gets PeerPresent for every connected key now, then each change. */
    synchronized void addWatcher(DerpConnection watcher) {
        if (!watchers.add(watcher)) {
            return;
        }
        metrics.watchers.incrementAndGet();
        for (ClientSet set : clients.values()) {
            DerpConnection active = set.active;
            if (active != null) {
                watcher.sendControl(ControlFrame.peerPresent(active.key(), active.remoteAddress(),
                        active.presentFlags()));
            }
        }
    }

    private void watchersRemove(DerpConnection c) {
        if (watchers.remove(c)) {
            metrics.watchers.decrementAndGet();
        }
    }

    /** Every connection of {@code key}. */
    synchronized List<DerpConnection> connectionsOf(NodeKey key) {
        ClientSet set = clients.get(key);
        return set == null ? List.of() : new ArrayList<>(set.members);
    }

    /** Mesh seam: {@code forwarder} reaches {@code key} on another node of the region. */
    void addPacketForwarder(NodeKey key, PacketForwarder forwarder) {
        synchronized (this) {
            if (forwarders.put(key, forwarder) == null && !clients.containsKey(key)) {
                metrics.clientsRemote.incrementAndGet();
            }
        }
    }

    /** Mesh seam: {@code key} is no longer reachable through {@code forwarder}. */
    void removePacketForwarder(NodeKey key, PacketForwarder forwarder) {
        synchronized (this) {
            if (forwarders.remove(key, forwarder) && !clients.containsKey(key)) {
                metrics.clientsRemote.decrementAndGet();
                peerGoneFromRegion(key);
            }
        }
    }
}

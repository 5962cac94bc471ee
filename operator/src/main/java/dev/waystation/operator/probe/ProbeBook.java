package dev.waystation.operator.probe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the prober knows of every published node: the last outcome and failures in a row per probe
 * kind, and whether the DERP map withholds the node. It owns the withholding rule: a node is withheld
 * after {@code withholdAfter} failed DERP round trips in a row (the DERP probe does what a client
 * does: TCP, TLS with the map's name or pin, the DERP handshake, a packet) and published again after
 * {@code restoreAfter} passes in a row; a node is never withheld when it is the last one the DERP map
 * would still publish. Thread-safe: workers record concurrently.
 */
final class ProbeBook {

    /** What changed with one recorded outcome, for Events and an early status write. */
    record Transition(boolean kindStartedFailing, boolean kindRecovered, boolean withheld, boolean restored,
            boolean keptAsLastNode) {

        boolean any() {
            return kindStartedFailing || kindRecovered || withheld || restored || keptAsLastNode;
        }
    }

    /** One kind's latest state on a node. */
    record KindState(ProbeOutcome last, int consecutiveFailures, Instant at) {
    }

    /** One node's state. */
    static final class NodeState {
        final String key;
        final int regionId;
        final String name;
        final Map<ProbeKind, KindState> kinds = new EnumMap<>(ProbeKind.class);
        final Set<ProbeKind> inFlight = new HashSet<>();
        int failedRounds;
        int passedRounds;
        boolean withheld;
        /** Why the node is withheld, or why a failing node is kept; empty otherwise. */
        Optional<String> reason = Optional.empty();
        Optional<Instant> certificateNotAfter = Optional.empty();

        NodeState(String key, int regionId, String name) {
            this.key = key;
            this.regionId = regionId;
            this.name = name;
        }
    }

    private final int withholdAfter;
    private final int restoreAfter;
    private final Map<String, NodeState> nodes = new LinkedHashMap<>();

    ProbeBook(int withholdAfter, int restoreAfter) {
        this.withholdAfter = withholdAfter;
        this.restoreAfter = restoreAfter;
    }

    /**
     * The nodes now in the DERP map; others are forgotten (their keys returned, for their metrics).
     * Should every node left be withheld, the one that failed least recently is published again.
     */
    synchronized List<String> retain(Collection<ProbeTarget> targets) {
        Set<String> keys = new HashSet<>();
        for (ProbeTarget target : targets) {
            keys.add(target.key());
            nodes.computeIfAbsent(target.key(), k -> new NodeState(k, target.regionId(), target.nodeName()));
        }
        List<String> gone = new ArrayList<>(nodes.keySet());
        gone.removeAll(keys);
        gone.forEach(nodes::remove);
        if (!nodes.isEmpty() && nodes.values().stream().allMatch(n -> n.withheld)) {
            NodeState keep = nodes.values().stream().min((a, b) -> Integer.compare(a.failedRounds, b.failedRounds)).get();
            keep.withheld = false;
            keep.reason = Optional.of(lastNodeReason());
        }
        return gone;
    }

    /** Marks the probe started unless one of that kind already runs on the node. */
    synchronized boolean tryStart(ProbeTarget target, ProbeKind kind) {
        NodeState node = nodes.get(target.key());
        return node != null && node.inFlight.add(kind);
    }

    /** Undoes {@link #tryStart} for a probe that could not be queued. */
    synchronized void release(ProbeTarget target, ProbeKind kind) {
        NodeState node = nodes.get(target.key());
        if (node != null) {
            node.inFlight.remove(kind);
        }
    }

    /** Records an outcome (a node forgotten meanwhile is ignored) and applies the withholding rule. */
    synchronized Transition record(ProbeTarget target, ProbeOutcome outcome, Instant now) {
        NodeState node = nodes.get(target.key());
        if (node == null) {
            return new Transition(false, false, false, false, false);
        }
        node.inFlight.remove(outcome.kind());
        KindState before = node.kinds.get(outcome.kind());
        int failures = outcome.passed() ? 0 : (before == null ? 0 : before.consecutiveFailures()) + 1;
        node.kinds.put(outcome.kind(), new KindState(outcome, failures, now));
        outcome.certificateNotAfter().ifPresent(t -> node.certificateNotAfter = Optional.of(t));
        boolean startedFailing = !outcome.passed() && (before == null || before.last().passed());
        boolean recovered = outcome.passed() && before != null && !before.last().passed();
        if (outcome.kind() != ProbeKind.DERP) {
            return new Transition(startedFailing, recovered, false, false, false);
        }
        boolean withheld = false;
        boolean restored = false;
        boolean kept = false;
        if (outcome.passed()) {
            node.passedRounds++;
            node.failedRounds = 0;
            if (node.withheld && node.passedRounds >= restoreAfter) {
                node.withheld = false;
                restored = true;
            }
            if (!node.withheld) {
                node.reason = Optional.empty();
            }
        } else {
            node.failedRounds++;
            node.passedRounds = 0;
            if (!node.withheld && node.failedRounds >= withholdAfter) {
                long published = nodes.values().stream().filter(n -> !n.withheld).count();
                if (published > 1) {
                    node.withheld = true;
                    withheld = true;
                    node.reason = Optional.of("DERP probe failed " + node.failedRounds + " times in a row (last: "
                            + outcome.error().orElse("?") + ")");
                } else {
                    kept = node.reason.isEmpty();
                    node.reason = Optional.of(lastNodeReason());
                }
            }
        }
        return new Transition(startedFailing, recovered, withheld, restored, kept);
    }

    private String lastNodeReason() {
        return "DERP probe failing, but this is the last node the DERP map publishes: kept";
    }

    synchronized Set<String> withheldKeys() {
        Set<String> keys = new HashSet<>();
        nodes.values().stream().filter(n -> n.withheld).forEach(n -> keys.add(WithheldNodes.key(n.regionId, n.name)));
        return keys;
    }

    /** A copy of one node's state, if known. */
    synchronized Optional<NodeState> snapshot(String key) {
        NodeState node = nodes.get(key);
        if (node == null) {
            return Optional.empty();
        }
        NodeState copy = new NodeState(node.key, node.regionId, node.name);
        copy.kinds.putAll(node.kinds);
        copy.failedRounds = node.failedRounds;
        copy.passedRounds = node.passedRounds;
        copy.withheld = node.withheld;
        copy.reason = node.reason;
        copy.certificateNotAfter = node.certificateNotAfter;
        return Optional.of(copy);
    }
}

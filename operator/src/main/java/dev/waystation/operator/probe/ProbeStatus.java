package dev.waystation.operator.probe;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.waystation.crd.v1alpha1.Conditions;
import dev.waystation.crd.v1alpha1.DerpRegionStatus;
import dev.waystation.crd.v1alpha1.NodeProbeStatus;
import dev.waystation.crd.v1alpha1.ProbeResult;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * The prober's part of a DerpRegion status: {@code status.probes} (per node, per kind) and the
 * {@code NodesWithheld} condition naming the nodes the DERP map leaves out and why. The region
 * reconciler computes the rest of the status and keeps these two as the prober wrote them
 * ({@link #carryOver}).
 */
public final class ProbeStatus {

    /** True while the DERP map withholds at least one node of the region. */
    public static final String NODES_WITHHELD = "NodesWithheld";
    static final String REASON_WITHHELD = "ProbesFailing";
    static final String REASON_NONE = "AllNodesPublished";
    static final String PASS = "Pass";
    static final String FAIL = "Fail";

    private ProbeStatus() {
    }

    /** Keeps what the prober wrote in {@code before} in a status the reconciler computed afresh. */
    public static void carryOver(DerpRegionStatus before, DerpRegionStatus computed) {
        if (before == null) {
            return;
        }
        computed.setProbes(before.getProbes());
        Conditions.find(before.getConditions(), NODES_WITHHELD).ifPresent(c -> {
            computed.getConditions().removeIf(existing -> NODES_WITHHELD.equals(existing.getType()));
            computed.getConditions().add(c);
        });
    }

    /** One node's entry from the book's snapshot. */
    static NodeProbeStatus node(ProbeBook.NodeState state) {
        NodeProbeStatus node = new NodeProbeStatus();
        node.setName(state.name);
        node.setWithheld(state.withheld);
        node.setWithheldReason(state.reason.orElse(null));
        node.setCertificateNotAfter(state.certificateNotAfter.map(ProbeStatus::time).orElse(null));
        for (ProbeKind kind : ProbeKind.values()) {
            ProbeBook.KindState k = state.kinds.get(kind);
            if (k != null) {
                node.getResults().add(new ProbeResult(kind.label(), k.last().passed() ? PASS : FAIL,
                        k.last().latency().toMillis(), k.consecutiveFailures(), k.last().error().orElse(null),
                        time(k.at())));
            }
        }
        return node;
    }

    /** Sets the NodesWithheld condition from the nodes' entries; returns whether it changed. */
    static boolean setCondition(List<Condition> conditions, List<NodeProbeStatus> nodes, long generation, Instant now) {
        List<NodeProbeStatus> withheld = nodes.stream().filter(n -> Boolean.TRUE.equals(n.getWithheld())).toList();
        if (withheld.isEmpty()) {
            String kept = nodes.stream().filter(n -> n.getWithheldReason() != null)
                    .map(n -> n.getName() + ": " + n.getWithheldReason()).collect(Collectors.joining("; "));
            return Conditions.set(conditions, NODES_WITHHELD, false, REASON_NONE,
                    kept.isEmpty() ? "every node is in the DERP map" : kept, generation, now);
        }
        String message = withheld.stream().map(n -> n.getName() + " withheld from the DERP map: " + n.getWithheldReason())
                .collect(Collectors.joining("; "));
        return Conditions.set(conditions, NODES_WITHHELD, true, REASON_WITHHELD, message, generation, now);
    }

    /**
     * Whether {@code wanted} differs from {@code current} in anything but latencies, failure counts
     * and times: such a change is written at once, the others at most every status-refresh.
     */
    static boolean differsInOutcome(List<NodeProbeStatus> current, List<NodeProbeStatus> wanted) {
        return !Objects.equals(outcomes(current), outcomes(wanted));
    }

    private static List<String> outcomes(List<NodeProbeStatus> nodes) {
        List<String> out = new ArrayList<>();
        for (NodeProbeStatus node : Optional.ofNullable(nodes).orElse(List.of())) {
            out.add(node.getName() + "|" + node.getWithheld() + "|" + node.getWithheldReason() + "|"
                    + node.getCertificateNotAfter());
            node.getResults().forEach(r -> out.add(node.getName() + "|" + r.getKind() + "|" + r.getResult()));
        }
        return out;
    }

    private static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}

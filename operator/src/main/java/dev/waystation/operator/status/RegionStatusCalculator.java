package dev.waystation.operator.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.waystation.crd.v1alpha1.Conditions;
import dev.waystation.crd.v1alpha1.DerpMapNode;
import dev.waystation.crd.v1alpha1.DerpMapRegion;
import dev.waystation.crd.v1alpha1.DerpNodeStatus;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.DerpRegionStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * A DerpRegion's status from what the cluster shows: per-node address and readiness, the
 * {@code Ready}/{@code Degraded} conditions, and the region's DERP map fragment. Pure: the same
 * observations give an equal status, so the reconciler writes status only when something changed.
 */
public final class RegionStatusCalculator {

    public static final String REASON_READY = "AllNodesReady";
    public static final String REASON_NODES_NOT_READY = "NodesNotReady";
    public static final String REASON_ADDRESS_PENDING = "AddressPending";
    public static final String REASON_REGION_ID_CONFLICT = "RegionIdConflict";
    public static final String REASON_NODES_UNAVAILABLE = "NodesUnavailable";
    public static final String REASON_AS_EXPECTED = "AsExpected";

    private RegionStatusCalculator() {
    }

    /**
     * @param nodes       one observation per desired node, in node order
     * @param conflictsWith the older DerpRegion ({@code namespace/name}) holding the same region ID, if any
     */
    public static DerpRegionStatus compute(DerpRegion region, List<NodeObservation> nodes,
            Optional<String> conflictsWith, Instant now) {
        DerpRegionSpec spec = region.getSpec();
        long generation = region.getMetadata().getGeneration() == null ? 0 : region.getMetadata().getGeneration();
        DerpRegionStatus status = new DerpRegionStatus();
        status.setObservedGeneration(generation);
        status.setConditions(previousConditions(region));

        DerpMapRegion fragment = new DerpMapRegion();
        fragment.setRegionId(spec.getRegionId());
        fragment.setRegionCode(spec.getRegionCode());
        fragment.setRegionName(spec.getRegionName());
        int ready = 0;
        List<String> unaddressed = new ArrayList<>();
        for (NodeObservation node : nodes) {
            String name = nodeName(spec.getRegionId(), node.index());
            String hostName = NodeAddresses.hostName(spec, node.index(), name, node.service(), node.pod());
            String ipv4 = NodeAddresses.ipv4(spec, node.index(), node.service(), node.pod()).orElse(null);
            String ipv6 = NodeAddresses.ipv6(spec, node.index(), node.service(), node.pod()).orElse(null);
            Optional<PublishedPorts> ports = PublishedPorts.of(spec, node.service());
            boolean podReady = isReady(node.pod());
            ready += podReady ? 1 : 0;
            status.getNodes().add(new DerpNodeStatus(name, node.index(), hostName, ipv4, ipv6, podReady));
            if (hostName == null || ports.isEmpty()) {
                unaddressed.add(name);
                continue;
            }
            DerpMapNode mapNode = new DerpMapNode();
            mapNode.setName(name);
            mapNode.setRegionId(spec.getRegionId());
            mapNode.setHostName(hostName);
            mapNode.setIpv4(ipv4);
            mapNode.setIpv6(ipv6);
            mapNode.setStunPort(ports.get().stunPort());
            mapNode.setDerpPort(ports.get().derpPort());
            mapNode.setCanPort80(ports.get().canPort80());
            fragment.getNodes().add(mapNode);
        }
        int desired = nodes.size();
        status.setReadyNodes(ready + "/" + desired);
        status.setDerpMapRegion(conflictsWith.isEmpty() && !fragment.getNodes().isEmpty() ? fragment : null);

        List<Condition> conditions = status.getConditions();
        if (conflictsWith.isPresent()) {
            String message = "regionId " + spec.getRegionId() + " is already used by DerpRegion " + conflictsWith.get()
                    + "; this region is left out of the DERP map until the ID is unique";
            Conditions.set(conditions, Conditions.READY, false, REASON_REGION_ID_CONFLICT, message, generation, now);
            Conditions.set(conditions, Conditions.DEGRADED, true, REASON_REGION_ID_CONFLICT, message, generation, now);
            return status;
        }
        String readyMessage = ready + " of " + desired + " nodes ready";
        if (ready < desired) {
            Conditions.set(conditions, Conditions.READY, false, REASON_NODES_NOT_READY, readyMessage, generation, now);
        } else if (!unaddressed.isEmpty()) {
            Conditions.set(conditions, Conditions.READY, false, REASON_ADDRESS_PENDING,
                    "no address yet for " + String.join(", ", unaddressed)
                            + " (waiting for the Service's load balancer, or set hostnames)", generation, now);
        } else {
            Conditions.set(conditions, Conditions.READY, true, REASON_READY, readyMessage, generation, now);
        }
        if (ready > 0 && ready < desired) {
            Conditions.set(conditions, Conditions.DEGRADED, true, REASON_NODES_UNAVAILABLE,
                    readyMessage + "; clients of the others fail over", generation, now);
        } else {
            Conditions.set(conditions, Conditions.DEGRADED, false, REASON_AS_EXPECTED, "no problems", generation, now);
        }
        return status;
    }

    /** DERP node name as derper's maps spell it: region ID plus a letter per node ({@code 900a}, {@code 900b}). */
    public static String nodeName(int regionId, int index) {
        return regionId + String.valueOf((char) ('a' + index));
    }

    private static List<Condition> previousConditions(DerpRegion region) {
        List<Condition> copy = new ArrayList<>();
        if (region.getStatus() != null && region.getStatus().getConditions() != null) {
            for (Condition c : region.getStatus().getConditions()) {
                copy.add(new Condition(c.getLastTransitionTime(), c.getMessage(), c.getObservedGeneration(),
                        c.getReason(), c.getStatus(), c.getType()));
            }
        }
        return copy;
    }

    private static boolean isReady(Pod pod) {
        return pod != null && pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}

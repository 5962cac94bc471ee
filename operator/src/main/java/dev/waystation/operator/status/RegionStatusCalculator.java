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
import dev.waystation.crd.v1alpha1.TlsMode;
import dev.waystation.operator.region.RegionDefaults;
import dev.waystation.operator.tls.CertificateExpiry;
import dev.waystation.operator.tls.ServedCertificate;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * A DerpRegion's status from what the cluster shows: per-node address and readiness, the
 * {@code Ready}/{@code Degraded} conditions, and the region's DERP map fragment (ready nodes with an
 * address only; none without such a node or when a {@link RegionProblem} withdraws the region). Pure: the same
 * observations give an equal status, so the reconciler writes status only when something changed.
 */
public final class RegionStatusCalculator {

    public static final String REASON_READY = "AllNodesReady";
    public static final String REASON_NODES_NOT_READY = "NodesNotReady";
    public static final String REASON_ADDRESS_PENDING = "AddressPending";
    public static final String REASON_NODES_UNAVAILABLE = "NodesUnavailable";
    public static final String REASON_AS_EXPECTED = "AsExpected";

    private RegionStatusCalculator() {
    }

    /**
     * @param nodes   one observation per desired node, in node order
     * @param problem what keeps the region from its spec besides node readiness, if anything
     */
    public static DerpRegionStatus compute(DerpRegion region, List<NodeObservation> nodes,
            Optional<RegionProblem> problem, Instant now) {
        DerpRegionSpec spec = region.getSpec();
        long generation = region.getMetadata().getGeneration() == null ? 0 : region.getMetadata().getGeneration();
        DerpRegionStatus status = new DerpRegionStatus();
        status.setObservedGeneration(generation);
        status.setConditions(previousConditions(region));

        DerpMapRegion fragment = new DerpMapRegion();
        fragment.setRegionId(spec.getRegionId());
        fragment.setRegionCode(spec.getRegionCode());
        fragment.setRegionName(spec.getRegionName());
        boolean pinned = RegionDefaults.tlsMode(spec) == TlsMode.SelfSigned;
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
            DerpNodeStatus nodeStatus = new DerpNodeStatus(name, node.index(), hostName, ipv4, ipv6, podReady);
            // Only a self-signed certificate is pinned; one from a CA is checked by name as usual.
            Optional<String> pin = node.certificate().filter(c -> pinned).map(ServedCertificate::pin);
            nodeStatus.setCertName(pin.orElse(null));
            nodeStatus.setCertificateNotAfter(node.certificate().map(c -> c.notAfter().toString()).orElse(null));
            status.getNodes().add(nodeStatus);
            if (hostName == null || ports.isEmpty()) {
                unaddressed.add(name);
                continue;
            }
            if (!podReady) {
                continue; // clients sent to a node that does not answer would fail over only after a timeout
            }
            DerpMapNode mapNode = new DerpMapNode();
            mapNode.setName(name);
            mapNode.setRegionId(spec.getRegionId());
            mapNode.setHostName(hostName);
            mapNode.setCertName(pin.orElse(null));
            mapNode.setIpv4(ipv4);
            mapNode.setIpv6(ipv6);
            mapNode.setStunPort(ports.get().stunPort());
            mapNode.setDerpPort(ports.get().derpPort());
            mapNode.setCanPort80(ports.get().canPort80());
            fragment.getNodes().add(mapNode);
        }
        int desired = nodes.size();
        status.setReadyNodes(ready + "/" + desired);
        boolean withdrawn = problem.map(RegionProblem::withdrawn).orElse(false);
        status.setDerpMapRegion(!withdrawn && !fragment.getNodes().isEmpty() ? fragment : null);

        List<Condition> conditions = status.getConditions();
        CertificateExpiry.setCondition(conditions, status.getNodes(), generation, now);
        if (problem.isPresent()) {
            setProblem(conditions, problem.get(), generation, now);
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
        if (ready < desired) {
            Conditions.set(conditions, Conditions.DEGRADED, true, REASON_NODES_UNAVAILABLE,
                    readyMessage + (ready == 0 ? "; the region is left out of the DERP map"
                            : "; only ready nodes are in the DERP map"), generation, now);
        } else {
            Conditions.set(conditions, Conditions.DEGRADED, false, REASON_AS_EXPECTED, "no problems", generation, now);
        }
        return status;
    }

    /**
     * The status of a region whose spec could not be read: what was last observed stays (its relays
     * keep running as last applied), the conditions say why nothing else changes.
     */
    public static DerpRegionStatus unreadable(DerpRegion region, String why, Instant now) {
        DerpRegionStatus status = new DerpRegionStatus();
        DerpRegionStatus previous = region.getStatus();
        if (previous != null) {
            status.setReadyNodes(previous.getReadyNodes());
            status.setNodes(previous.getNodes());
            status.setDerpMapRegion(previous.getDerpMapRegion());
            status.setObservedGeneration(previous.getObservedGeneration());
        }
        status.setConditions(previousConditions(region));
        long generation = region.getMetadata().getGeneration() == null ? 0 : region.getMetadata().getGeneration();
        setProblem(status.getConditions(), new RegionProblem(RegionProblem.SPEC_UNREADABLE,
                "the operator cannot read the spec (" + why + "); fix or recreate the DerpRegion,"
                        + " its relays keep what was last applied", false), generation, now);
        return status;
    }

    private static void setProblem(List<Condition> conditions, RegionProblem problem, long generation, Instant now) {
        Conditions.set(conditions, Conditions.READY, false, problem.reason(), problem.message(), generation, now);
        Conditions.set(conditions, Conditions.DEGRADED, true, problem.reason(), problem.message(), generation, now);
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

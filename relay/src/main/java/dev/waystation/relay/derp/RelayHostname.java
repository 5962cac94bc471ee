package dev.waystation.relay.derp;

import java.util.List;
import java.util.Optional;

/**
 * The name clients reach this relay by: its own entry of {@code waystation.relay.node-hostnames}
 * (indexed by {@code waystation.relay.node-index}) when that list is set, else
 * {@code waystation.relay.hostname}. A list without an index is a start-up error, never a silent
 * fallback to the {@code localhost} default: in Kubernetes the index comes from the pod-index label,
 * and a relay running under another name would fail every TLS handshake with no hint why.
 */
public final class RelayHostname {

    /** The StatefulSet pod label (Kubernetes 1.28+) the operator passes on as the node index. */
    static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

    private RelayHostname() {
    }

    public static String of(RelayConfig config) {
        return resolve(config.hostname(), config.nodeHostnames(), config.nodeIndex());
    }

    static String resolve(String hostname, Optional<List<String>> nodeHostnames, Optional<Integer> nodeIndex) {
        if (nodeHostnames.isEmpty()) {
            return hostname;
        }
        if (nodeIndex.isEmpty()) {
            throw new IllegalStateException("waystation.relay.node-hostnames is set but waystation.relay.node-index "
                    + "is not, so this relay cannot tell which hostname is its own. In Kubernetes the operator fills "
                    + "WAYSTATION_RELAY_NODE_INDEX from the pod label " + POD_INDEX_LABEL + ", which Kubernetes sets "
                    + "from version 1.28 on: upgrade the cluster to Kubernetes 1.28 or later. Elsewhere, set "
                    + "waystation.relay.node-index (or drop node-hostnames and set waystation.relay.hostname)");
        }
        List<String> names = nodeHostnames.get();
        int index = nodeIndex.get();
        if (index < 0 || index >= names.size()) {
            throw new IllegalStateException("waystation.relay.node-index " + index + " has no entry in "
                    + "waystation.relay.node-hostnames " + names + " (indexes 0.." + (names.size() - 1) + ")");
        }
        return names.get(index);
    }
}

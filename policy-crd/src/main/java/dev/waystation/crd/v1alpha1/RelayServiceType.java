package dev.waystation.crd.v1alpha1;

/** How a region's nodes are reached: a Service per node of one of Kubernetes' types, or the node's own network. */
public enum RelayServiceType {
    /** One external IP per node: what DERP nodes need on the internet. */
    LoadBalancer,
    /**
     * Node ports on every cluster node; the DERP map publishes the ports the API server allocated
     * and the node's address, and no port 80 (CanPort80 false).
     */
    NodePort,
    /** Cluster-internal only (tests, or an external proxy in front). */
    ClusterIP,
    /**
     * No per-node Service: each relay pod uses its node's network and listens on derpPort, stunPort
     * and httpPort itself, as derper does on a dedicated machine. The scheduler keeps two relays off
     * one node (their ports would clash). Such pods are not admitted where Pod Security enforces
     * baseline or restricted, and ports below 1024 need the node's
     * net.ipv4.ip_unprivileged_port_start at or below them (the relay runs as a non-root user).
     */
    HostNetwork
}

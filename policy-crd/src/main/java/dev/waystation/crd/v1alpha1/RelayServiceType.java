package dev.waystation.crd.v1alpha1;

/** Kubernetes Service types a region's per-node Services may use. */
public enum RelayServiceType {
    /** One external IP per node: what DERP nodes need on the internet. */
    LoadBalancer,
    /** Node ports on every cluster node. */
    NodePort,
    /** Cluster-internal only (tests, or an external proxy in front). */
    ClusterIP
}

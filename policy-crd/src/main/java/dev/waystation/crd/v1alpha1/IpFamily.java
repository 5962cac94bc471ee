package dev.waystation.crd.v1alpha1;

/** Kubernetes' Service IP families. */
public enum IpFamily {
    IPv4,
    IPv6
}

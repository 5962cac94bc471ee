package dev.waystation.crd.v1alpha1;

/** Kubernetes' Service IP family policies. */
public enum IpFamilyPolicy {
    SingleStack,
    PreferDualStack,
    RequireDualStack
}

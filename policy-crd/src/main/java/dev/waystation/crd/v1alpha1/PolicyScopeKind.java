package dev.waystation.crd.v1alpha1;

/**
 * Which relays and clients a {@link Policy} targets, spelled as Tailscale's syspolicy scope kinds.
 * Device covers every region (the whole fleet), Profile the regions named in {@code spec.regions},
 * User the clients named in {@code spec.nodeKeys} (in every region).
 */
public enum PolicyScopeKind {
    Device,
    Profile,
    User
}

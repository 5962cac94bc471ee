package dev.waystation.crd.v1alpha1;

/**
 * How strongly a {@link Policy}'s settings apply. Mandatory values follow syspolicy precedence (the
 * broader scope wins); Recommended values apply only where no mandatory value exists at any scope,
 * and there the narrower scope wins.
 */
public enum PolicyEnforcement {
    Mandatory,
    Recommended
}

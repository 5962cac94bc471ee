package dev.waystation.crd.v1alpha1;

/**
 * The ConfigMap the operator projects a DerpRegion's Policies into and the region's relays watch: one
 * per DerpRegion, in its namespace, holding the policy document under {@link #DATA_KEY}. Named here
 * once for the operator (writer, RBAC) and the relay (reader).
 */
public final class PolicyDocumentConfigMap {

    /** Data key of the policy document (YAML, the relay's policy file format). */
    public static final String DATA_KEY = "policy.yaml";

    /** Suffix after the DerpRegion name. */
    public static final String NAME_SUFFIX = "-policy";

    private PolicyDocumentConfigMap() {
    }

    /** {@code <derpregion>-policy}. */
    public static String nameFor(String derpRegionName) {
        return derpRegionName + NAME_SUFFIX;
    }
}

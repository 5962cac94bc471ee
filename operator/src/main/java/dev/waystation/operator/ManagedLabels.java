package dev.waystation.operator;

/** Labels on every object the operator creates (Kubernetes' recommended {@code app.kubernetes.io/*} set). */
public final class ManagedLabels {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "waystation-operator";
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    /** The DerpRegion an object belongs to; informers map events back to it through this label. */
    public static final String DERP_REGION = "waystation.dev/derp-region";
    /** Field manager of every server-side apply the operator makes. */
    public static final String FIELD_MANAGER = MANAGED_BY_VALUE;

    private ManagedLabels() {
    }
}

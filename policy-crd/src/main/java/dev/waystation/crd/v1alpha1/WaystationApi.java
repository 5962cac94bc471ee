package dev.waystation.crd.v1alpha1;

/** The API group and version of every Waystation custom resource. */
public final class WaystationApi {

    public static final String GROUP = "waystation.dev";
    public static final String VERSION = "v1alpha1";
    /** {@code apiVersion} as written in manifests. */
    public static final String API_VERSION = GROUP + "/" + VERSION;
    /** {@code kubectl get waystation} lists every Waystation resource. */
    public static final String CATEGORY = "waystation";

    private WaystationApi() {
    }
}

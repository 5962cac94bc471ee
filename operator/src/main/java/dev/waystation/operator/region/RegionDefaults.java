package dev.waystation.operator.region;

import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import dev.waystation.crd.v1alpha1.TlsMode;

/**
 * Defaults of the optional nested objects: the API server fills in defaults of fields inside an
 * object that is present, but an absent {@code tls} or {@code service} stays absent.
 */
public final class RegionDefaults {

    private RegionDefaults() {
    }

    public static TlsMode tlsMode(DerpRegionSpec spec) {
        return spec.getTls() == null || spec.getTls().getMode() == null ? TlsMode.SelfSigned : spec.getTls().getMode();
    }

    /** The public plain-HTTP port, 0 for none (derper's {@code -http-port}). */
    public static int httpPort(DerpRegionSpec spec) {
        return spec.getHttpPort() == null ? RelayEnvironment.PUBLIC_HTTP_PORT : spec.getHttpPort();
    }

    public static RelayServiceType serviceType(DerpRegionSpec spec) {
        return spec.getService() == null || spec.getService().getType() == null
                ? RelayServiceType.LoadBalancer : spec.getService().getType();
    }
}

package dev.waystation.operator.region;

import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.RelayServiceType;

/**
 * The ports a relay container listens on. Behind a Service they are fixed and unprivileged (the
 * Service maps the region's public ports onto them, so a non-root relay needs no capability and
 * no sysctl); on the host network there is nothing in between, so they are the public ports.
 *
 * @param http the plain-HTTP port, or {@link #NONE}
 */
record RelayPorts(int derp, int http, int stun) {

    /** The relay's value for "no such listener" ({@code waystation.relay.http-port=-1}). */
    static final int NONE = -1;

    private static final RelayPorts BEHIND_SERVICE = new RelayPorts(RelayEnvironment.DERP_CONTAINER_PORT,
            RelayEnvironment.HTTP_CONTAINER_PORT, RelayEnvironment.STUN_CONTAINER_PORT);

    static RelayPorts of(DerpRegionSpec spec) {
        if (RegionDefaults.serviceType(spec) != RelayServiceType.HostNetwork) {
            return BEHIND_SERVICE;
        }
        int http = RegionDefaults.httpPort(spec);
        return new RelayPorts(spec.getDerpPort(), http == 0 ? NONE : http, spec.getStunPort());
    }

    boolean hasHttp() {
        return http != NONE;
    }
}

package dev.waystation.operator.status;

import java.util.Optional;

import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import dev.waystation.operator.region.RegionDefaults;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

/**
 * The ports the DERP map tells clients for one node (DERPPort, STUNPort), and whether plain HTTP
 * on port 80 reaches it (CanPort80, used for captive-portal checks). A NodePort Service publishes
 * the node ports the API server allocated, never 80; the other exposures publish the region's ports.
 */
public record PublishedPorts(int derpPort, int stunPort, boolean canPort80) {

    /** Empty while a NodePort Service has no node ports yet (or does not exist yet). */
    public static Optional<PublishedPorts> of(DerpRegionSpec spec, Service service) {
        if (RegionDefaults.serviceType(spec) == RelayServiceType.NodePort) {
            Integer derp = nodePort(service, "derp");
            Integer stun = nodePort(service, "stun");
            return derp == null || stun == null ? Optional.empty() : Optional.of(new PublishedPorts(derp, stun, false));
        }
        return Optional.of(new PublishedPorts(spec.getDerpPort(), spec.getStunPort(),
                RegionDefaults.httpPort(spec) == 80));
    }

    private static Integer nodePort(Service service, String name) {
        if (service == null || service.getSpec() == null || service.getSpec().getPorts() == null) {
            return null;
        }
        return service.getSpec().getPorts().stream().filter(port -> name.equals(port.getName()))
                .map(ServicePort::getNodePort).filter(port -> port != null && port > 0).findFirst().orElse(null);
    }
}

package dev.waystation.operator.region;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

/**
 * One Service per node, selecting exactly that node's pod: every DERP node needs its own address,
 * since a region's DERP map lists each node separately. DERP (TCP), plain HTTP (TCP 80) and STUN
 * (UDP) share the address. External Services keep the client's source address
 * ({@code externalTrafficPolicy: Local}), which STUN must see to answer correctly.
 */
@ApplicationScoped
class NodeServices implements RegionDependent {

    @Override
    public List<HasMetadata> desired(DerpRegion region) {
        DerpRegionSpec spec = region.getSpec();
        RelayServiceType type = RegionDefaults.serviceType(spec);
        Map<String, String> annotations = spec.getService() == null ? null : spec.getService().getAnnotations();
        List<HasMetadata> services = new ArrayList<>();
        for (int i = 0; i < spec.getNodes(); i++) {
            ServiceBuilder service = new ServiceBuilder()
                    .withMetadata(RegionObjects.owned(region, RegionObjects.nodeService(region, i), RegionObjects.NODE_SERVICE)
                            .addToLabels(RegionObjects.NODE_INDEX, String.valueOf(i))
                            .withAnnotations(annotations == null || annotations.isEmpty() ? null : annotations)
                            .build())
                    .withNewSpec()
                    .withType(type.name())
                    .addToSelector(RegionObjects.POD_NAME_LABEL, RegionObjects.pod(region, i))
                    .withPorts(
                            port("derp", "TCP", spec.getDerpPort(), RelayEnvironment.DERP_CONTAINER_PORT),
                            port("http", "TCP", RelayEnvironment.PUBLIC_HTTP_PORT, RelayEnvironment.HTTP_CONTAINER_PORT),
                            port("stun", "UDP", spec.getStunPort(), RelayEnvironment.STUN_CONTAINER_PORT))
                    .endSpec();
            if (type != RelayServiceType.ClusterIP) {
                service.editSpec().withExternalTrafficPolicy("Local").endSpec();
            }
            services.add(service.build());
        }
        return services;
    }

    private static ServicePort port(String name, String protocol, int port, int target) {
        return new ServicePortBuilder().withName(name).withProtocol(protocol).withPort(port)
                .withTargetPort(new IntOrString(target)).build();
    }
}

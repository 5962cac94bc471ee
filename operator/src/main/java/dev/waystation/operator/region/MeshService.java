package dev.waystation.operator.region;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.waystation.crd.v1alpha1.DerpRegion;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

/**
 * Headless Service of the StatefulSet: every pod gets the DNS name
 * {@code <pod>.<region>-mesh.<namespace>.svc}, which the other nodes of the region dial for the mesh.
 * Not-ready pods are published too, so nodes find each other while starting.
 */
@ApplicationScoped
class MeshService implements RegionDependent {

    @Override
    public List<HasMetadata> desired(DerpRegion region) {
        return List.of(new ServiceBuilder()
                .withMetadata(RegionObjects.ownedMeta(region, RegionObjects.meshService(region), RegionObjects.RELAY))
                .withNewSpec()
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true)
                .withSelector(RegionObjects.selector(region))
                .withPorts(
                        new ServicePortBuilder().withName("derp").withProtocol("TCP")
                                .withPort(RelayPorts.of(region.getSpec()).derp()).build(),
                        new ServicePortBuilder().withName("management").withProtocol("TCP")
                                .withPort(RelayEnvironment.MANAGEMENT_PORT).build())
                .endSpec()
                .build());
    }
}

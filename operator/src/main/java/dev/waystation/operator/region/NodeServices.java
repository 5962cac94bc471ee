package dev.waystation.operator.region;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.IpFamily;
import dev.waystation.crd.v1alpha1.NodeExposure;
import dev.waystation.crd.v1alpha1.RegionService;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

/**
 * One Service per node, selecting exactly that node's pod: every DERP node needs its own address,
 * since a region's DERP map lists each node separately. DERP (TCP), plain HTTP (TCP, unless
 * {@code httpPort} is 0) and STUN (UDP) share the address. External Services keep the client's
 * source address ({@code externalTrafficPolicy: Local}), which STUN must see to answer correctly.
 * Shared settings ({@code spec.service}) apply to every node's Service, {@code spec.service.nodes[i]}
 * to node i's. With {@code HostNetwork} there is none: the relays listen on their nodes' own ports.
 */
@ApplicationScoped
class NodeServices implements RegionDependent {

    @Override
    public List<HasMetadata> desired(DerpRegion region) {
        DerpRegionSpec spec = region.getSpec();
        RelayServiceType type = RegionDefaults.serviceType(spec);
        if (type == RelayServiceType.HostNetwork) {
            return List.of();
        }
        RegionService shared = spec.getService() == null ? new RegionService() : spec.getService();
        List<HasMetadata> services = new ArrayList<>();
        for (int i = 0; i < spec.getNodes(); i++) {
            NodeExposure node = shared.nodeAt(i);
            Map<String, String> annotations = annotations(shared, node);
            ServiceBuilder service = new ServiceBuilder()
                    .withMetadata(RegionObjects.owned(region, RegionObjects.nodeService(region, i), RegionObjects.NODE_SERVICE)
                            .addToLabels(RegionObjects.NODE_INDEX, String.valueOf(i))
                            .withAnnotations(annotations.isEmpty() ? null : annotations)
                            .build())
                    .withNewSpec()
                    .withType(type.name())
                    .addToSelector(RegionObjects.POD_NAME_LABEL, RegionObjects.pod(region, i))
                    .withPorts(ports(spec))
                    .withIpFamilyPolicy(shared.getIpFamilyPolicy() == null ? null : shared.getIpFamilyPolicy().name())
                    .withIpFamilies(shared.getIpFamilies() == null ? null
                            : shared.getIpFamilies().stream().map(IpFamily::name).toList())
                    .endSpec();
            if (type != RelayServiceType.ClusterIP) {
                service.editSpec().withExternalTrafficPolicy("Local").endSpec();
            }
            if (type == RelayServiceType.LoadBalancer) {
                service.editSpec().withLoadBalancerClass(shared.getLoadBalancerClass())
                        .withLoadBalancerIP(node == null ? null : node.getLoadBalancerIP()).endSpec();
            }
            services.add(service.build());
        }
        return services;
    }

    /** The shared annotations, then the node's own (the node's value wins). */
    private static Map<String, String> annotations(RegionService shared, NodeExposure node) {
        Map<String, String> annotations = new LinkedHashMap<>();
        if (shared.getAnnotations() != null) {
            annotations.putAll(shared.getAnnotations());
        }
        if (node != null && node.getAnnotations() != null) {
            annotations.putAll(node.getAnnotations());
        }
        return annotations;
    }

    private static List<ServicePort> ports(DerpRegionSpec spec) {
        List<ServicePort> ports = new ArrayList<>();
        ports.add(port("derp", "TCP", spec.getDerpPort(), RelayEnvironment.DERP_CONTAINER_PORT));
        int httpPort = RegionDefaults.httpPort(spec);
        if (httpPort != 0) {
            ports.add(port("http", "TCP", httpPort, RelayEnvironment.HTTP_CONTAINER_PORT));
        }
        ports.add(port("stun", "UDP", spec.getStunPort(), RelayEnvironment.STUN_CONTAINER_PORT));
        return ports;
    }

    private static ServicePort port(String name, String protocol, int port, int target) {
        return new ServicePortBuilder().withName(name).withProtocol(protocol).withPort(port)
                .withTargetPort(new IntOrString(target)).build();
    }
}

package dev.waystation.operator.region;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.operator.ManagedLabels;
import dev.waystation.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * A Prometheus Operator ServiceMonitor scraping every relay's {@code /q/metrics} through the mesh
 * Service. Only wanted when the cluster has the ServiceMonitor CRD ({@link #CRD}); the reconciler
 * watches that CRD and applies it once present. Extra labels ({@code waystation.operator.service-monitor.labels})
 * let a Prometheus whose serviceMonitorSelector wants them (kube-prometheus-stack: {@code release}) pick it up.
 */
@ApplicationScoped
class RelayServiceMonitor {

    private final OperatorConfig config;

    @Inject
    RelayServiceMonitor(OperatorConfig config) {
        this.config = config;
    }

    static final String CRD = "servicemonitors.monitoring.coreos.com";
    static final String API_VERSION = "monitoring.coreos.com/v1";
    static final String KIND = "ServiceMonitor";

    List<HasMetadata> desired(DerpRegion region) {
        GenericKubernetesResource monitor = new GenericKubernetesResourceBuilder()
                .withApiVersion(API_VERSION)
                .withKind(KIND)
                .withMetadata(RegionObjects.owned(region, RegionObjects.serviceMonitor(region), RegionObjects.RELAY)
                        .withLabels(labels(region)).build())
                .build();
        monitor.setAdditionalProperty("spec", Map.of(
                "selector", Map.of("matchLabels", Map.of(
                        ManagedLabels.DERP_REGION, region.getMetadata().getName(),
                        ManagedLabels.COMPONENT, RegionObjects.RELAY)),
                "endpoints", List.of(Map.of("port", "management", "path", "/q/metrics"))));
        return List.of(monitor);
    }

    /** The configured extra labels, then the operator's own, which an extra label never replaces. */
    private Map<String, String> labels(DerpRegion region) {
        Map<String, String> labels = new LinkedHashMap<>(config.serviceMonitor().labels());
        labels.putAll(RegionObjects.labels(region, RegionObjects.RELAY));
        return labels;
    }
}

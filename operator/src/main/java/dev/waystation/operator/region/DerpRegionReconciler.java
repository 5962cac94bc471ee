package dev.waystation.operator.region;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionStatus;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import dev.waystation.operator.ManagedLabels;
import dev.waystation.operator.status.NodeObservation;
import dev.waystation.operator.status.RegionStatusCalculator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Turns a DerpRegion into running relays: StatefulSet, mesh and per-node Services, mesh-key Secret,
 * relay ConfigMap, PodDisruptionBudget, ServiceAccount/Role/RoleBinding, and a ServiceMonitor when
 * the cluster has that CRD. Every object is server-side applied with the region as controlling
 * owner, so a reconcile that finds everything as wanted writes nothing; status is written only when
 * it changed. Failed reconciles (API errors, conflicts) are retried with JOSDK's back-off.
 */
@ControllerConfiguration(name = DerpRegionReconciler.NAME)
public class DerpRegionReconciler implements Reconciler<DerpRegion> {

    public static final String NAME = "derpregion";
    private static final Logger LOG = Logger.getLogger(DerpRegionReconciler.class);
    /** Conflicts resolve when the other region goes away, which sends this one no event: look again. */
    private static final Duration CONFLICT_RECHECK = Duration.ofSeconds(30);
    private static final String OWNED_SELECTOR = ManagedLabels.MANAGED_BY + "=" + ManagedLabels.MANAGED_BY_VALUE
            + "," + ManagedLabels.DERP_REGION;
    private static final String POD_SELECTOR = ManagedLabels.NAME + "=waystation-relay," + ManagedLabels.DERP_REGION;

    private final List<RegionDependent> dependents;
    private final MeshKeySecret meshKey;
    private final RelayServiceMonitor serviceMonitor;
    private final Clock clock;
    private final Counter unchanged;
    private final Counter statusWritten;

    @Inject
    public DerpRegionReconciler(RelayConfigMap configMap, RelayAccess access, MeshService meshService,
            NodeServices nodeServices, RelayStatefulSet statefulSet, RelayDisruptionBudget disruptionBudget,
            MeshKeySecret meshKey, RelayServiceMonitor serviceMonitor, MeterRegistry registry) {
        this.dependents = List.of(configMap, access, meshService, nodeServices, statefulSet, disruptionBudget);
        this.meshKey = meshKey;
        this.serviceMonitor = serviceMonitor;
        this.clock = Clock.systemUTC();
        this.unchanged = reconciles(registry, "unchanged");
        this.statusWritten = reconciles(registry, "status-written");
    }

    /** Finished reconciles by outcome: "unchanged" means the status was already right (a steady state). */
    private static Counter reconciles(MeterRegistry registry, String outcome) {
        return Counter.builder("waystation.operator.region.reconciles")
                .description("Finished DerpRegion reconciles by outcome")
                .tag("outcome", outcome).register(registry);
    }

    @Override
    public List<EventSource<?, DerpRegion>> prepareEventSources(EventSourceContext<DerpRegion> context) {
        return List.of(
                informer(context, StatefulSet.class, OWNED_SELECTOR),
                informer(context, Service.class, OWNED_SELECTOR),
                informer(context, ConfigMap.class, OWNED_SELECTOR),
                informer(context, Secret.class, OWNED_SELECTOR),
                informer(context, PodDisruptionBudget.class, OWNED_SELECTOR),
                informer(context, ServiceAccount.class, OWNED_SELECTOR),
                informer(context, Role.class, OWNED_SELECTOR),
                informer(context, RoleBinding.class, OWNED_SELECTOR),
                informer(context, Pod.class, POD_SELECTOR));
    }

    private static <R extends HasMetadata> EventSource<R, DerpRegion> informer(EventSourceContext<DerpRegion> context,
            Class<R> type, String labelSelector) {
        var configuration = InformerEventSourceConfiguration.from(type, DerpRegion.class)
                .withName(NAME + "-" + type.getSimpleName().toLowerCase())
                .withLabelSelector(labelSelector)
                .withSecondaryToPrimaryMapper((R resource) -> Set.of(new ResourceID(
                        resource.getMetadata().getLabels().get(ManagedLabels.DERP_REGION),
                        resource.getMetadata().getNamespace())))
                .build();
        return new InformerEventSource<>(configuration, context);
    }

    @Override
    public UpdateControl<DerpRegion> reconcile(DerpRegion region, Context<DerpRegion> context) {
        KubernetesClient client = context.getClient();
        String namespace = region.getMetadata().getNamespace();

        meshKey.ensure(region, secret(context, RegionObjects.meshKeySecret(region)), client);
        List<HasMetadata> desired = new ArrayList<>();
        dependents.forEach(dependent -> desired.addAll(dependent.desired(region)));
        if (serviceMonitorCrdPresent(client)) {
            desired.addAll(serviceMonitor.desired(region));
        }
        for (HasMetadata object : desired) {
            client.resource(object).inNamespace(namespace)
                    .fieldManager(ManagedLabels.FIELD_MANAGER).forceConflicts().serverSideApply();
        }
        List<Service> nodeServices = servicesOf(context, region);
        removeSurplusNodeServices(client, region, nodeServices);

        Map<String, Service> servicesByName = nodeServices.stream()
                .collect(Collectors.toMap(s -> s.getMetadata().getName(), Function.identity()));
        Map<String, Pod> podsByName = context.getSecondaryResources(Pod.class).stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), Function.identity(), (a, b) -> a));
        List<NodeObservation> nodes = new ArrayList<>();
        for (int i = 0; i < region.getSpec().getNodes(); i++) {
            nodes.add(new NodeObservation(i, servicesByName.get(RegionObjects.nodeService(region, i)),
                    podsByName.get(RegionObjects.pod(region, i))));
        }
        Optional<String> conflict = olderRegionWithSameId(region, context);
        DerpRegionStatus status = RegionStatusCalculator.compute(region, nodes, conflict, clock.instant());

        UpdateControl<DerpRegion> control;
        if (status.equals(region.getStatus())) {
            control = UpdateControl.noUpdate();
            unchanged.increment();
        } else {
            statusWritten.increment();
            LOG.infof("DerpRegion %s/%s: %s nodes ready", namespace, region.getMetadata().getName(), status.getReadyNodes());
            region.setStatus(status);
            control = UpdateControl.patchStatus(region);
        }
        return conflict.isPresent() ? control.rescheduleAfter(CONFLICT_RECHECK) : control;
    }

    private static Secret secret(Context<DerpRegion> context, String name) {
        return context.getSecondaryResources(Secret.class).stream()
                .filter(s -> name.equals(s.getMetadata().getName())).findFirst().orElse(null);
    }

    private static List<Service> servicesOf(Context<DerpRegion> context, DerpRegion region) {
        return context.getSecondaryResources(Service.class).stream()
                .filter(s -> RegionObjects.NODE_SERVICE.equals(s.getMetadata().getLabels().get(ManagedLabels.COMPONENT)))
                .toList();
    }

    /** After a scale-down, the Services of nodes that no longer exist; after a switch to HostNetwork, all. */
    private static void removeSurplusNodeServices(KubernetesClient client, DerpRegion region, List<Service> services) {
        boolean hostNetwork = RegionDefaults.serviceType(region.getSpec()) == RelayServiceType.HostNetwork;
        for (Service service : services) {
            String index = service.getMetadata().getLabels().get(RegionObjects.NODE_INDEX);
            if (index != null && (hostNetwork || Integer.parseInt(index) >= region.getSpec().getNodes())) {
                client.resource(service).delete();
            }
        }
    }

    private static boolean serviceMonitorCrdPresent(KubernetesClient client) {
        return client.apiextensions().v1().customResourceDefinitions().withName(RelayServiceMonitor.CRD).get() != null;
    }

    /** The oldest other DerpRegion using this region's ID, if this one is not the oldest. */
    private static Optional<String> olderRegionWithSameId(DerpRegion region, Context<DerpRegion> context) {
        Comparator<DerpRegion> age = Comparator
                .comparing((DerpRegion r) -> r.getMetadata().getCreationTimestamp())
                .thenComparing(r -> r.getMetadata().getNamespace())
                .thenComparing(r -> r.getMetadata().getName());
        return context.getPrimaryCache().list()
                .filter(other -> region.getSpec().getRegionId().equals(other.getSpec().getRegionId()))
                .min(age)
                .filter(oldest -> !oldest.getMetadata().getUid().equals(region.getMetadata().getUid()))
                .map(oldest -> oldest.getMetadata().getNamespace() + "/" + oldest.getMetadata().getName());
    }
}

package dev.waystation.operator.region;

import dev.waystation.operator.Leadership;
import io.javaoperatorsdk.operator.processing.event.source.timer.TimerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionStatus;
import dev.waystation.operator.ApiWrites;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import dev.waystation.operator.ManagedLabels;
import dev.waystation.operator.OperatorConfig;
import dev.waystation.operator.events.ConditionEvents;
import dev.waystation.operator.events.EventRecorder;
import dev.waystation.crd.v1alpha1.TlsMode;
import dev.waystation.operator.probe.ProbeStatus;
import dev.waystation.operator.status.NodeAddresses;
import dev.waystation.operator.status.NodeObservation;
import dev.waystation.operator.tls.ServedCertificate;
import dev.waystation.operator.status.RegionProblem;
import dev.waystation.operator.status.RegionStatusCalculator;
import dev.waystation.operator.unreadable.UnreadableResources;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
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
 * relay ConfigMap, PodDisruptionBudget, ServiceAccount/Role/RoleBinding, a ServiceMonitor and (TLS
 * mode CertManager) a cert-manager Certificate when the cluster has their CRDs (watched, so one
 * installed later is picked up). Only objects that differ
 * from what is wanted are server-side applied ({@link RegionApplier}), with the region as controlling
 * owner; status is written only when it changed, and each condition change is also an Event.
 *
 * <p>A region is not deployed (its StatefulSet and node Services are removed) when the operator's
 * configuration refuses it or an older region holds its region ID; a region whose spec the operator
 * cannot read keeps what was last applied. Either way the conditions and a Warning Event say why.
 */
@ControllerConfiguration(name = DerpRegionReconciler.NAME)
public class DerpRegionReconciler implements Reconciler<DerpRegion> {

    public static final String NAME = "derpregion";
    private static final Logger LOG = Logger.getLogger(DerpRegionReconciler.class);
    /**
     * Problems resolve through changes that send this region no event (the other region of a conflict
     * goes away, a TLS Secret gets its label, a refused object is fixed by someone): look again.
     */
    private static final Duration PROBLEM_RECHECK = Duration.ofSeconds(30);
    private static final String OWNED_SELECTOR = ManagedLabels.MANAGED_BY + "=" + ManagedLabels.MANAGED_BY_VALUE
            + "," + ManagedLabels.DERP_REGION;
    private static final String POD_SELECTOR = ManagedLabels.NAME + "=waystation-relay," + ManagedLabels.DERP_REGION;
    /** The certificate chain's key in a Manual or CertManager region's kubernetes.io/tls Secret. */
    private static final String MANUAL_CERTIFICATE_KEY = "tls.crt";
    private static final String OPTIONAL_CRDS_SOURCE = NAME + "-optional-crds";
    /** CRDs of other projects whose objects a region gets once they are installed. */
    private static final Set<String> OPTIONAL_CRDS = Set.of(RelayServiceMonitor.CRD, RegionCertificate.CRD);

    private final List<RegionDependent> dependents;
    private final MeshKeySecret meshKey;
    private final NodeCertificateSecret nodeCertificateSecret;
    private final RelayServiceMonitor serviceMonitor;
    private final RegionCertificate certificate;
    private final RegionApplier applier;
    private final RegionAllowList allowList;
    private final EventRecorder events;
    private final ApiWrites writes;
    private final OperatorConfig config;
    private final Leadership leadership;
    private final Clock clock;
    private final Counter unchanged;
    private final Counter statusWritten;

    @Inject
    public DerpRegionReconciler(RelayConfigMap configMap, RelayAccess access, MeshService meshService,
            NodeServices nodeServices, RelayStatefulSet statefulSet, RelayDisruptionBudget disruptionBudget,
            MeshKeySecret meshKey, NodeCertificateSecret nodeCertificateSecret, RelayServiceMonitor serviceMonitor,
            RegionCertificate certificate, RegionApplier applier,
            RegionAllowList allowList, EventRecorder events, ApiWrites writes, OperatorConfig config,
            Leadership leadership, MeterRegistry registry) {
        this.dependents = List.of(configMap, access, meshService, nodeServices, statefulSet, disruptionBudget);
        this.meshKey = meshKey;
        this.nodeCertificateSecret = nodeCertificateSecret;
        this.serviceMonitor = serviceMonitor;
        this.certificate = certificate;
        this.applier = applier;
        this.allowList = allowList;
        this.events = events;
        this.writes = writes;
        this.config = config;
        this.leadership = leadership;
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
                // Secrets, Roles and RoleBindings only in waystation.operator.region-namespaces when that is
                // set, so those permissions are granted per namespace instead of cluster-wide (install.yaml).
                informer(context, Secret.class, OWNED_SELECTOR, config.regionNamespaces()),
                informer(context, PodDisruptionBudget.class, OWNED_SELECTOR),
                informer(context, ServiceAccount.class, OWNED_SELECTOR),
                informer(context, Role.class, OWNED_SELECTOR, config.regionNamespaces()),
                informer(context, RoleBinding.class, OWNED_SELECTOR, config.regionNamespaces()),
                informer(context, Pod.class, POD_SELECTOR),
                optionalCrds(context),
                reconcileAllOnLeading(context));
    }

    /**
     * Every region reconciled once when this replica has become the leader and processes events. While it
     * waits for the Lease, JOSDK (5.3.2, the newest this build can use) skips the informer's ADD events
     * and replays only the ones it marked when event processing starts; a restart test saw one region of 17
     * left out now and then (not reconciled until its next event or the 10-hour maximum interval). A
     * reconcile of a region that is already right writes nothing.
     */
    @SuppressWarnings({ "unchecked", "rawtypes" }) // JOSDK types the timer's primary as HasMetadata
    private EventSource<?, DerpRegion> reconcileAllOnLeading(EventSourceContext<DerpRegion> context) {
        TimerEventSource<DerpRegion> timer = new TimerEventSource<>(NAME + "-on-leading", false);
        leadership.whenLeading(() -> context.getPrimaryCache().list().forEach(region -> timer.scheduleOnce(region, 0)));
        return (EventSource) timer;
    }

    private static <R extends HasMetadata> EventSource<R, DerpRegion> informer(EventSourceContext<DerpRegion> context,
            Class<R> type, String labelSelector) {
        return informer(context, type, labelSelector, Optional.empty());
    }

    /** @param namespaces where to watch; empty: where the controller watches (every namespace) */
    private static <R extends HasMetadata> EventSource<R, DerpRegion> informer(EventSourceContext<DerpRegion> context,
            Class<R> type, String labelSelector, Optional<Set<String>> namespaces) {
        var configuration = InformerEventSourceConfiguration.from(type, DerpRegion.class)
                .withName(NAME + "-" + type.getSimpleName().toLowerCase())
                .withLabelSelector(labelSelector)
                .withSecondaryToPrimaryMapper((R resource) -> Set.of(new ResourceID(
                        resource.getMetadata().getLabels().get(ManagedLabels.DERP_REGION),
                        resource.getMetadata().getNamespace())));
        namespaces.ifPresent(configuration::withNamespaces);
        return new InformerEventSource<>(configuration.build(), context);
    }

    /** An optional CRD (ServiceMonitor, cert-manager's Certificate) appearing or going away concerns every region. */
    private static EventSource<CustomResourceDefinition, DerpRegion> optionalCrds(
            EventSourceContext<DerpRegion> context) {
        var configuration = InformerEventSourceConfiguration.from(CustomResourceDefinition.class, DerpRegion.class)
                .withName(OPTIONAL_CRDS_SOURCE)
                .withGenericFilter(crd -> OPTIONAL_CRDS.contains(crd.getMetadata().getName()))
                .withSecondaryToPrimaryMapper((CustomResourceDefinition crd) -> context.getPrimaryCache().list()
                        .map(ResourceID::fromResource).collect(Collectors.toSet()))
                .build();
        return new InformerEventSource<>(configuration, context);
    }

    @Override
    public UpdateControl<DerpRegion> reconcile(DerpRegion region, Context<DerpRegion> context) {
        Optional<String> unreadable = UnreadableResources.reason(region);
        if (unreadable.isPresent()) {
            LOG.warnf("DerpRegion %s/%s: spec unreadable: %s", region.getMetadata().getNamespace(),
                    region.getMetadata().getName(), unreadable.get());
            return finish(region, RegionStatusCalculator.unreadable(region, unreadable.get(), clock.instant()), false);
        }
        Optional<RegionProblem> problem = allowList.refusal(region, context.getClient())
                .or(() -> olderRegionWithSameId(region, context).map(older -> new RegionProblem(
                        RegionProblem.REGION_ID_CONFLICT, "regionId " + region.getSpec().getRegionId()
                                + " is already used by DerpRegion " + older + "; this region is not deployed"
                                + " and left out of the DERP map until the ID is unique", true)));
        Secret nodeCertificates = secret(context, RegionObjects.nodeCertificateSecret(region));
        if (problem.isPresent()) {
            withdraw(region, context);
        } else {
            nodeCertificates = ensureNodeCertificates(region, context, nodeCertificates);
            problem = deploy(region, context);
        }
        List<NodeObservation> nodes = observe(region, context, servedCertificates(region, context, nodeCertificates));
        DerpRegionStatus status = RegionStatusCalculator.compute(region, nodes, problem, clock.instant());
        return finish(region, status, problem.isPresent());
    }

    /**
     * SelfSigned: the Secret exists before the StatefulSet that mounts it; a node's pair carries the
     * name the DERP map publishes for it, so a node published under an address the cluster assigns
     * gets its pair once that address is known (its relay waits, not ready, until then).
     */
    private Secret ensureNodeCertificates(DerpRegion region, Context<DerpRegion> context, Secret cached) {
        if (RegionDefaults.tlsMode(region.getSpec()) != TlsMode.SelfSigned) {
            return cached;
        }
        Map<Integer, String> published = new HashMap<>();
        for (NodeObservation node : observe(region, context, index -> Optional.empty())) {
            String hostName = NodeAddresses.hostName(region.getSpec(), node.index(),
                    RegionStatusCalculator.nodeName(region.getSpec().getRegionId(), node.index()), node.service(),
                    node.pod());
            if (hostName != null) {
                published.put(node.index(), hostName);
            }
        }
        Secret current = nodeCertificateSecret.ensure(region, cached, published, context.getClient(), clock.instant());
        if (current != cached) {
            writes.count("Secret");
        }
        return current;
    }

    /** Per node, the certificate of the Secret its relay loads (SelfSigned: its own pair; Manual: the region's). */
    private static IntFunction<Optional<ServedCertificate>> servedCertificates(DerpRegion region,
            Context<DerpRegion> context, Secret nodeCertificates) {
        return switch (RegionDefaults.tlsMode(region.getSpec())) {
            case SelfSigned -> index -> NodeCertificateSecret.served(region, nodeCertificates, index);
            case Manual, CertManager -> {
                // Not in the informer's cache (it holds only the operator's own Secrets); one read per reconcile.
                Optional<ServedCertificate> shared = ServedCertificate.fromSecret(context.getClient().secrets()
                        .inNamespace(region.getMetadata().getNamespace())
                        .withName(RegionObjects.tlsSecret(region).orElseThrow()).get(), MANUAL_CERTIFICATE_KEY);
                yield index -> shared;
            }
            default -> index -> Optional.empty();
        };
    }

    /** Applies every object that differs; the problems combined into one, if any. */
    private Optional<RegionProblem> deploy(DerpRegion region, Context<DerpRegion> context) {
        KubernetesClient client = context.getClient();
        if (meshKey.ensure(region, secret(context, RegionObjects.meshKeySecret(region)), client)) {
            writes.count("Secret");
        }
        List<HasMetadata> desired = new ArrayList<>();
        dependents.forEach(dependent -> desired.addAll(dependent.desired(region)));
        if (crdInstalled(context, RelayServiceMonitor.CRD)) {
            desired.addAll(serviceMonitor.desired(region));
        }
        boolean certificates = crdInstalled(context, RegionCertificate.CRD);
        if (certificates) {
            desired.addAll(certificate.desired(region));
        }
        List<RegionProblem> problems = new ArrayList<>(applier.apply(region, desired, context));
        certificate.problem(region, certificates, client).ifPresent(problems::add);
        removeSurplusNodeServices(client, region, servicesOf(context));
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RegionProblem(problems.get(0).reason(),
                problems.stream().map(RegionProblem::message).collect(Collectors.joining("; ")), false));
    }

    /** A region that must not run: its StatefulSet and node Services (with their load balancers) go. */
    private void withdraw(DerpRegion region, Context<DerpRegion> context) {
        KubernetesClient client = context.getClient();
        context.getSecondaryResources(StatefulSet.class).stream()
                .filter(sts -> RegionApplier.controlledBy(sts, region))
                .forEach(sts -> applier.delete(sts, client));
        servicesOf(context).stream().filter(service -> RegionApplier.controlledBy(service, region))
                .forEach(service -> applier.delete(service, client));
    }

    private List<NodeObservation> observe(DerpRegion region, Context<DerpRegion> context,
            IntFunction<Optional<ServedCertificate>> certificates) {
        Map<String, Service> servicesByName = servicesOf(context).stream()
                .collect(Collectors.toMap(s -> s.getMetadata().getName(), Function.identity()));
        Map<String, Pod> podsByName = context.getSecondaryResources(Pod.class).stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), Function.identity(), (a, b) -> a));
        List<NodeObservation> nodes = new ArrayList<>();
        for (int i = 0; i < region.getSpec().getNodes(); i++) {
            nodes.add(new NodeObservation(i, servicesByName.get(RegionObjects.nodeService(region, i)),
                    podsByName.get(RegionObjects.pod(region, i)), certificates.apply(i)));
        }
        return nodes;
    }

    /** Writes the status if it changed, records an Event per changed condition, and looks again while a problem lasts. */
    private UpdateControl<DerpRegion> finish(DerpRegion region, DerpRegionStatus status, boolean problem) {
        ProbeStatus.carryOver(region.getStatus(), status);
        List<Condition> before = region.getStatus() == null ? List.of() : region.getStatus().getConditions();
        ConditionEvents.between(before, status.getConditions())
                .forEach(change -> events.record(region, change.type(), change.reason(), change.message()));
        UpdateControl<DerpRegion> control;
        if (status.equals(region.getStatus())) {
            control = UpdateControl.noUpdate();
            unchanged.increment();
        } else {
            statusWritten.increment();
            writes.count("DerpRegion/status");
            LOG.infof("DerpRegion %s/%s: %s nodes ready", region.getMetadata().getNamespace(),
                    region.getMetadata().getName(), status.getReadyNodes());
            region.setStatus(status);
            control = UpdateControl.patchStatus(region);
        }
        return problem ? control.rescheduleAfter(PROBLEM_RECHECK) : control;
    }

    private static Secret secret(Context<DerpRegion> context, String name) {
        return context.getSecondaryResources(Secret.class).stream()
                .filter(s -> name.equals(s.getMetadata().getName())).findFirst().orElse(null);
    }

    private static List<Service> servicesOf(Context<DerpRegion> context) {
        return context.getSecondaryResources(Service.class).stream()
                .filter(s -> RegionObjects.NODE_SERVICE.equals(s.getMetadata().getLabels().get(ManagedLabels.COMPONENT)))
                .toList();
    }

    /** After a scale-down, the Services of nodes that no longer exist; after a switch to HostNetwork, all. */
    private void removeSurplusNodeServices(KubernetesClient client, DerpRegion region, List<Service> services) {
        boolean hostNetwork = RegionDefaults.serviceType(region.getSpec()) == RelayServiceType.HostNetwork;
        for (Service service : services) {
            String index = service.getMetadata().getLabels().get(RegionObjects.NODE_INDEX);
            if (index != null && (hostNetwork || Integer.parseInt(index) >= region.getSpec().getNodes())) {
                applier.delete(service, client);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean crdInstalled(Context<DerpRegion> context, String crd) {
        var crds = (InformerEventSource<CustomResourceDefinition, DerpRegion>) context.eventSourceRetriever()
                .getEventSourceFor(CustomResourceDefinition.class, OPTIONAL_CRDS_SOURCE);
        return crds.get(new ResourceID(crd)).isPresent();
    }

    /** The oldest other readable DerpRegion using this region's ID, if this one is not the oldest. */
    private static Optional<String> olderRegionWithSameId(DerpRegion region, Context<DerpRegion> context) {
        Comparator<DerpRegion> age = Comparator
                .comparing((DerpRegion r) -> r.getMetadata().getCreationTimestamp())
                .thenComparing(r -> r.getMetadata().getNamespace())
                .thenComparing(r -> r.getMetadata().getName());
        return context.getPrimaryCache().list()
                .filter(other -> other.getSpec() != null
                        && region.getSpec().getRegionId().equals(other.getSpec().getRegionId()))
                .min(age)
                .filter(oldest -> !oldest.getMetadata().getUid().equals(region.getMetadata().getUid()))
                .map(oldest -> oldest.getMetadata().getNamespace() + "/" + oldest.getMetadata().getName());
    }
}

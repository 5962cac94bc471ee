package dev.waystation.operator.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicyDocumentConfigMap;
import dev.waystation.operator.ManagedLabels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Projects the Policies of a DerpRegion's namespace into the region's policy document ConfigMap
 * ({@link PolicyDocumentConfigMap}), which the region's relays watch. Owned by the DerpRegion, so it
 * goes with it. Written only when its content changes; a hand edit is put back.
 */
@ControllerConfiguration(name = PolicyProjectionReconciler.NAME)
public class PolicyProjectionReconciler implements Reconciler<DerpRegion> {

    static final String NAME = "policy-projection";
    /** Component label value marking the ConfigMaps this reconciler owns, so its informer watches only those. */
    static final String COMPONENT = "policy-document";

    private static final Logger LOG = Logger.getLogger(PolicyProjectionReconciler.class);

    private final PolicyCatalog catalog;

    @Inject
    public PolicyProjectionReconciler(PolicyCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public List<EventSource<?, DerpRegion>> prepareEventSources(EventSourceContext<DerpRegion> context) {
        var documents = InformerEventSourceConfiguration.from(ConfigMap.class, DerpRegion.class)
                .withName("policy-documents")
                .withLabelSelector(ManagedLabels.COMPONENT + "=" + COMPONENT + "," + ManagedLabels.DERP_REGION)
                .withSecondaryToPrimaryMapper((ConfigMap configMap) -> regionOf(configMap))
                .build();
        return List.of(new InformerEventSource<>(documents, context),
                PolicyNamespace.everyPrimaryOfNamespace(Policy.class, context));
    }

    @Override
    public UpdateControl<DerpRegion> reconcile(DerpRegion region, Context<DerpRegion> context) {
        String namespace = region.getMetadata().getNamespace();
        String name = PolicyDocumentConfigMap.nameFor(region.getMetadata().getName());
        List<Policy> policies = policiesIn(context, namespace);
        Optional<ConfigMap> current = context.getSecondaryResource(ConfigMap.class);
        Optional<String> previous = current.map(ConfigMap::getData).map(data -> data.get(PolicyDocumentConfigMap.DATA_KEY));

        String document = RegionPolicyDocument.render(region.getMetadata().getName(), policies,
                new PolicyEvaluation(policies, catalog.validator()), previous);
        if (previous.filter(document::equals).isPresent() && current.map(PolicyProjectionReconciler::isOurs).orElse(false)) {
            return UpdateControl.noUpdate();
        }
        ConfigMap desired = new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name).withNamespace(namespace)
                .addToLabels(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE)
                .addToLabels(ManagedLabels.COMPONENT, COMPONENT)
                .addToLabels(ManagedLabels.DERP_REGION, region.getMetadata().getName())
                .addNewOwnerReference()
                .withApiVersion(region.getApiVersion()).withKind(region.getKind())
                .withName(region.getMetadata().getName()).withUid(region.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true)
                .endOwnerReference()
                .endMetadata()
                .withData(Map.of(PolicyDocumentConfigMap.DATA_KEY, document))
                .build();
        context.getClient().configMaps().inNamespace(namespace).resource(desired)
                .fieldManager(ManagedLabels.FIELD_MANAGER).forceConflicts().serverSideApply();
        LOG.infof("policy document %s/%s updated (%d Policies in the namespace)", namespace, name, policies.size());
        return UpdateControl.noUpdate();
    }

    private static boolean isOurs(ConfigMap configMap) {
        Map<String, String> labels = configMap.getMetadata().getLabels();
        return labels != null && COMPONENT.equals(labels.get(ManagedLabels.COMPONENT));
    }

    private static Set<ResourceID> regionOf(ConfigMap configMap) {
        String region = configMap.getMetadata().getLabels().get(ManagedLabels.DERP_REGION);
        return Set.of(new ResourceID(region, configMap.getMetadata().getNamespace()));
    }

    @SuppressWarnings("unchecked")
    private static List<Policy> policiesIn(Context<DerpRegion> context, String namespace) {
        InformerEventSource<Policy, DerpRegion> policies = (InformerEventSource<Policy, DerpRegion>) context
                .eventSourceRetriever().getEventSourceFor(Policy.class);
        return policies.list(namespace, policy -> true).toList();
    }
}

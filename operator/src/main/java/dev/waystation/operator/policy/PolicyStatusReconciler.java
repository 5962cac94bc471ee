package dev.waystation.operator.policy;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicyStatus;
import dev.waystation.operator.events.ConditionEvents;
import dev.waystation.operator.events.EventRecorder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Writes each Policy's status: Accepted or Invalid (one message per bad setting), the settings other
 * Policies override, and the DerpRegions it reaches. Any Policy or DerpRegion change in the namespace
 * re-judges every Policy there, since overrides depend on all of them. Status is written only when it
 * changed, so a restart of the operator writes nothing.
 */
@ControllerConfiguration(name = PolicyStatusReconciler.NAME)
public class PolicyStatusReconciler implements Reconciler<Policy> {

    static final String NAME = "policy-status";

    private final PolicyCatalog catalog;
    private final EventRecorder events;

    @Inject
    public PolicyStatusReconciler(PolicyCatalog catalog, EventRecorder events) {
        this.catalog = catalog;
        this.events = events;
    }

    @Override
    public List<EventSource<?, Policy>> prepareEventSources(EventSourceContext<Policy> context) {
        return List.of(PolicyNamespace.everyPrimaryOfNamespace(Policy.class, context),
                PolicyNamespace.everyPrimaryOfNamespace(DerpRegion.class, context));
    }

    @Override
    public UpdateControl<Policy> reconcile(Policy policy, Context<Policy> context) {
        String namespace = policy.getMetadata().getNamespace();
        // The namespace informer delivered the event that brought us here, so its cache is at least as
        // new as that event (the primary cache may still hold a deleted Policy); this Policy is fresh.
        @SuppressWarnings("unchecked")
        InformerEventSource<Policy, Policy> namespacePolicies = (InformerEventSource<Policy, Policy>) context
                .eventSourceRetriever().getEventSourceFor(Policy.class, PolicyNamespace.sourceName(Policy.class));
        List<Policy> policies = Stream.concat(Stream.of(policy), namespacePolicies
                .list(namespace, other -> !other.getMetadata().getName().equals(policy.getMetadata().getName())))
                .toList();
        PolicyEvaluation evaluation = new PolicyEvaluation(policies, catalog.validator());
        List<String> regions = regionsIn(context, namespace).stream()
                .filter(region -> evaluation.isAccepted(policy)
                        && PolicySources.appliesTo(policy.getSpec(), region))
                .sorted().toList();

        PolicyStatus status = PolicyStatusWriter.changed(policy, evaluation, regions, Instant.now());
        if (status == null) {
            return UpdateControl.noUpdate();
        }
        ConditionEvents.between(policy.getStatus() == null ? List.of() : policy.getStatus().getConditions(),
                status.getConditions())
                .forEach(change -> events.record(policy, change.type(), change.reason(), change.message()));
        policy.setStatus(status);
        return UpdateControl.patchStatus(policy);
    }

    @SuppressWarnings("unchecked")
    private static List<String> regionsIn(Context<Policy> context, String namespace) {
        InformerEventSource<DerpRegion, Policy> regions = (InformerEventSource<DerpRegion, Policy>) context
                .eventSourceRetriever().getEventSourceFor(DerpRegion.class);
        return regions.list(namespace, region -> true).map(region -> region.getMetadata().getName()).toList();
    }
}

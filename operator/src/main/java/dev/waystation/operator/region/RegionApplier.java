package dev.waystation.operator.region;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.operator.ApiWrites;
import dev.waystation.operator.ManagedLabels;
import dev.waystation.operator.status.RegionProblem;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * Brings a region's objects to their desired state, writing only those that differ
 * ({@link DesiredState}). An object that exists but is not controlled by this region is left alone
 * (server-side apply with force would take it over), and every object the API server refuses is
 * reported; the others are still applied.
 */
@ApplicationScoped
class RegionApplier {

    private final ApiWrites writes;

    @Inject
    RegionApplier(ApiWrites writes) {
        this.writes = writes;
    }

    /** Applies what differs; the problems found (objects owned elsewhere or refused), empty when all is applied. */
    List<RegionProblem> apply(DerpRegion region, List<HasMetadata> desired, Context<DerpRegion> context) {
        KubernetesClient client = context.getClient();
        List<RegionProblem> problems = new ArrayList<>();
        for (HasMetadata object : desired) {
            DesiredState.stamp(object);
            String what = object.getKind() + " " + object.getMetadata().getName();
            try {
                HasMetadata actual = cached(object, context).orElseGet(() -> client.resource(object).get());
                if (actual != null && !controlledBy(actual, region)) {
                    problems.add(new RegionProblem(RegionProblem.OWNED_ELSEWHERE, what
                            + " already exists and is not controlled by this DerpRegion; the operator does not take it"
                            + " over: delete or rename it", false));
                    continue;
                }
                if (DesiredState.isCurrent(object, actual)) {
                    continue;
                }
                client.resource(object).inNamespace(region.getMetadata().getNamespace())
                        .fieldManager(ManagedLabels.FIELD_MANAGER).forceConflicts().serverSideApply();
                writes.count(object.getKind());
            } catch (KubernetesClientException e) {
                String reason = e.getStatus() != null && e.getStatus().getMessage() != null
                        ? e.getStatus().getMessage() : e.getMessage();
                problems.add(new RegionProblem(RegionProblem.APPLY_FAILED,
                        "the API server refused " + what + ": " + reason, false));
            }
        }
        return problems;
    }

    void delete(HasMetadata object, KubernetesClient client) {
        client.resource(object).delete();
        writes.count(object.getKind());
    }

    /** The informer's copy; empty when the kind has no informer or the object is not in it (maybe not ours). */
    @SuppressWarnings("unchecked")
    private static Optional<HasMetadata> cached(HasMetadata object, Context<DerpRegion> context) {
        if (object instanceof GenericKubernetesResource) {
            return Optional.empty();
        }
        return context.getSecondaryResources((Class<HasMetadata>) object.getClass()).stream()
                .filter(o -> o.getMetadata().getName().equals(object.getMetadata().getName()))
                .findFirst();
    }

    static boolean controlledBy(HasMetadata object, DerpRegion region) {
        List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
        return owners != null && owners.stream().anyMatch(owner -> Boolean.TRUE.equals(owner.getController())
                && region.getMetadata().getUid().equals(owner.getUid()));
    }
}

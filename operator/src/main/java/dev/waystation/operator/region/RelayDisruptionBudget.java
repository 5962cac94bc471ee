package dev.waystation.operator.region;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.waystation.crd.v1alpha1.DerpRegion;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/**
 * Voluntary disruptions (node drains, upgrades) take down at most one relay of a region at a time:
 * clients of that node fail over to the others while it restarts.
 */
@ApplicationScoped
class RelayDisruptionBudget implements RegionDependent {

    @Override
    public List<HasMetadata> desired(DerpRegion region) {
        return List.of(new PodDisruptionBudgetBuilder()
                .withMetadata(RegionObjects.ownedMeta(region, RegionObjects.disruptionBudget(region), RegionObjects.RELAY))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(RegionObjects.selector(region)).endSelector()
                .endSpec()
                .build());
    }
}

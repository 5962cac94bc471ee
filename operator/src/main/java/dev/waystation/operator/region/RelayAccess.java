package dev.waystation.operator.region;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.waystation.crd.v1alpha1.DerpRegion;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;

/**
 * The relays' identity and the least they may do with it: a ServiceAccount whose Role allows reading
 * (get, list, watch) exactly one object, the region's policy document ConfigMap, plus in LetsEncrypt
 * mode get and update of each node's ACME storage Secret ({@link AcmeStorageSecrets}).
 */
@ApplicationScoped
class RelayAccess implements RegionDependent {

    @Override
    public List<HasMetadata> desired(DerpRegion region) {
        String name = RegionObjects.relayAccount(region);
        List<HasMetadata> objects = new ArrayList<>(List.of(
                new ServiceAccountBuilder()
                        .withMetadata(RegionObjects.ownedMeta(region, name, RegionObjects.RELAY))
                        .build(),
                new RoleBuilder()
                        .withMetadata(RegionObjects.ownedMeta(region, name, RegionObjects.RELAY))
                        .withRules(new PolicyRuleBuilder()
                                .withApiGroups("")
                                .withResources("configmaps")
                                .withResourceNames(RegionObjects.policyConfigMap(region))
                                .withVerbs("get", "list", "watch")
                                .build())
                        .addAllToRules(AcmeStorageSecrets.rules(region))
                        .build(),
                new RoleBindingBuilder()
                        .withMetadata(RegionObjects.ownedMeta(region, name, RegionObjects.RELAY))
                        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(name)
                        .endRoleRef()
                        .withSubjects(new SubjectBuilder().withKind("ServiceAccount").withName(name)
                                .withNamespace(region.getMetadata().getNamespace()).build())
                        .build()));
        objects.addAll(AcmeStorageSecrets.desired(region));
        return objects;
    }
}

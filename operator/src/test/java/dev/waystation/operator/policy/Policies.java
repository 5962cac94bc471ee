package dev.waystation.operator.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicyEnforcement;
import dev.waystation.crd.v1alpha1.PolicyScopeKind;
import dev.waystation.crd.v1alpha1.PolicySpec;
import dev.waystation.policy.catalog.RelaySettings;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Policy objects for unit tests, built as the API server would hand them over. */
final class Policies {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String NAMESPACE = "relays";
    static final String KEY_A = "nodekey:" + "a".repeat(64);
    static final String KEY_B = "nodekey:" + "b".repeat(64);

    private Policies() {
    }

    static PolicyValidator validator() {
        return new PolicyValidator(RelaySettings.registry());
    }

    static Policy device(String name, Map<String, ?> settings) {
        return policy(name, PolicyScopeKind.Device, null, null, PolicyEnforcement.Mandatory, 0, settings);
    }

    static Policy profile(String name, List<String> regions, Map<String, ?> settings) {
        return policy(name, PolicyScopeKind.Profile, regions, null, PolicyEnforcement.Mandatory, 0, settings);
    }

    static Policy user(String name, List<String> nodeKeys, Map<String, ?> settings) {
        return policy(name, PolicyScopeKind.User, null, nodeKeys, PolicyEnforcement.Mandatory, 0, settings);
    }

    static Policy policy(String name, PolicyScopeKind scope, List<String> regions, List<String> nodeKeys,
            PolicyEnforcement enforcement, int priority, Map<String, ?> settings) {
        PolicySpec spec = new PolicySpec();
        spec.setScope(scope);
        spec.setRegions(regions);
        spec.setNodeKeys(nodeKeys);
        spec.setEnforcement(enforcement);
        spec.setPriority(priority);
        Map<String, com.fasterxml.jackson.databind.JsonNode> values = new LinkedHashMap<>();
        settings.forEach((key, value) -> values.put(key, JSON.valueToTree(value)));
        spec.setSettings(values);
        Policy policy = new Policy();
        policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).withGeneration(1L).build());
        policy.setSpec(spec);
        return policy;
    }

    static Policy withPriority(Policy policy, int priority) {
        policy.getSpec().setPriority(priority);
        return policy;
    }

    static Policy recommended(Policy policy) {
        policy.getSpec().setEnforcement(PolicyEnforcement.Recommended);
        return policy;
    }
}

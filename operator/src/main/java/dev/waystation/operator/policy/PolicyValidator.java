package dev.waystation.operator.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicySettingProblem;
import dev.waystation.policy.document.DocumentProblem;
import dev.waystation.policy.document.DocumentSource;
import dev.waystation.policy.document.DocumentValidator;
import dev.waystation.policy.setting.SettingRegistry;

/**
 * Checks each setting of a Policy against the relay's setting catalog with the relay's own document
 * validator: the key exists, the Policy's scope may configure it, the value has the setting's type.
 * The CRD schema and CEL rules have already checked the shape (scope, regions, node keys).
 */
final class PolicyValidator {

    private final DocumentValidator validator;

    PolicyValidator(SettingRegistry catalog) {
        this.validator = new DocumentValidator(catalog);
    }

    /** One problem per bad setting (the first found across the Policy's scopes); empty when valid. */
    List<PolicySettingProblem> problems(Policy policy) {
        Map<String, PolicySettingProblem> byKey = new LinkedHashMap<>();
        for (DocumentSource source : PolicySources.of(policy)) {
            for (DocumentProblem problem : validator.problems(source)) {
                byKey.putIfAbsent(problem.key(), new PolicySettingProblem(problem.key(), problem.message()));
            }
        }
        return List.copyOf(byKey.values());
    }
}

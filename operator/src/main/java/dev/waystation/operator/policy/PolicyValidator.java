package dev.waystation.operator.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.waystation.crd.v1alpha1.PolicySettingProblem;
import dev.waystation.crd.v1alpha1.PolicySpec;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingKey;
import dev.waystation.policy.setting.SettingRegistry;
import dev.waystation.policy.setting.SettingValueException;

/**
 * Checks each setting of a Policy against the relay's setting catalog: the key exists, the Policy's
 * scope may configure it, and the value has the setting's type. The CRD schema and CEL rules have
 * already checked the shape (scope, regions, node keys); this is what only the catalog knows.
 */
final class PolicyValidator {

    private final SettingRegistry catalog;
    private final ObjectMapper json;

    PolicyValidator(SettingRegistry catalog, ObjectMapper json) {
        this.catalog = catalog;
        this.json = json;
    }

    /** One problem per bad setting, in the order the settings are written; empty when the Policy is valid. */
    List<PolicySettingProblem> problems(PolicySpec spec) {
        List<PolicySettingProblem> problems = new ArrayList<>();
        List<PolicyScope> scopes = PolicyTargets.scopes(spec);
        for (Map.Entry<String, JsonNode> setting : spec.getSettings().entrySet()) {
            String problem = problem(setting.getKey(), setting.getValue(), spec, scopes);
            if (problem != null) {
                problems.add(new PolicySettingProblem(setting.getKey(), problem));
            }
        }
        return problems;
    }

    private String problem(String key, JsonNode value, PolicySpec spec, List<PolicyScope> scopes) {
        String malformed = SettingKey.problemWith(key);
        if (malformed != null) {
            return malformed;
        }
        Optional<SettingDefinition<?>> found = catalog.definition(key);
        if (found.isEmpty()) {
            return "unknown setting: the relay's setting catalog has no key \"" + key + "\"";
        }
        SettingDefinition<?> definition = found.get();
        if (!scopes.stream().allMatch(scope -> scope.isConfigurable(definition))) {
            return "wrong scope: " + key + " is a " + definition.scope().text()
                    + " setting and cannot be configured by a Policy of scope " + spec.getScope()
                    + " (use scope " + definition.scope().text() + " or broader)";
        }
        try {
            definition.coerce(json.convertValue(value, Object.class));
        } catch (SettingValueException e) {
            return "wrong type for " + definition.type().name() + " setting " + key + ": " + e.getMessage();
        } catch (IllegalArgumentException e) {
            return "unreadable value for " + key + ": " + e.getMessage();
        }
        return null;
    }
}

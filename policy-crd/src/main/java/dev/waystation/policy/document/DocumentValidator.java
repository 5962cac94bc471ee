package dev.waystation.policy.document;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingRegistry;
import dev.waystation.policy.setting.SettingValueException;

/** Checks a document's values against a catalog: key known, configurable at the scope, right type. */
public final class DocumentValidator {

    private final SettingRegistry registry;

    public DocumentValidator(SettingRegistry registry) {
        this.registry = registry;
    }

    /** Every problem in the document, in document order; empty when all values are good. */
    public List<DocumentProblem> problems(PolicyDocument document) {
        List<DocumentProblem> out = new ArrayList<>();
        for (DocumentSource source : document.sources()) {
            out.addAll(problems(source));
        }
        return out;
    }

    /** Every problem in one source. */
    public List<DocumentProblem> problems(DocumentSource source) {
        List<DocumentProblem> out = new ArrayList<>();
        for (PolicyLevel level : PolicyLevel.values()) {
            for (Map.Entry<String, Object> entry : source.values(level).entrySet()) {
                String problem = problem(source, entry.getKey(), entry.getValue());
                if (problem != null) {
                    out.add(new DocumentProblem(source.name(), level, entry.getKey(), problem));
                }
            }
        }
        return out;
    }

    private String problem(DocumentSource source, String key, Object raw) {
        Optional<SettingDefinition<?>> definition = registry.definition(key);
        if (definition.isEmpty()) {
            return "unknown policy setting \"" + key + "\"";
        }
        if (!source.scope().isConfigurable(definition.get())) {
            return "a " + definition.get().scope().text() + " setting cannot be configured at scope "
                    + source.scope();
        }
        if (raw == null) {
            // "Key:" with no value is not configured (the stores drop it), so it has no type to check.
            return null;
        }
        try {
            definition.get().coerce(raw);
            return null;
        } catch (SettingValueException e) {
            return e.getMessage();
        }
    }
}

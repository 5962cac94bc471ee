package dev.waystation.relay.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.waystation.policy.rsop.Effective;
import dev.waystation.policy.rsop.PolicyExplanation;
import dev.waystation.policy.rsop.SettingExplanation;
import dev.waystation.policy.rsop.SourceStatus;
import dev.waystation.policy.setting.Origin;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingError;
import dev.waystation.policy.setting.SettingItem;
import dev.waystation.policy.source.DocumentStatus;

/** The {@code /debug/policy} answer as plain maps and lists, ready for Jackson. */
final class PolicyJson {

    private PolicyJson() {
    }

    static Map<String, Object> of(PolicyExplanation explanation, boolean healthy, List<DocumentStatus> documents) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scope", explanation.scope().toString());
        out.put("generation", explanation.generation());
        // The newest generation the relay's subsystems have taken in (they follow through change listeners).
        out.put("delivered", explanation.delivered());
        out.put("healthy", healthy);
        List<Object> settings = new ArrayList<>();
        for (SettingExplanation setting : explanation.settings()) {
            settings.add(setting(setting));
        }
        out.put("settings", settings);
        List<Object> sources = new ArrayList<>();
        for (SourceStatus source : explanation.sources()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", source.name());
            entry.put("scope", source.scope().toString());
            entry.put("priority", source.priority());
            entry.put("healthy", source.healthy());
            source.failure().ifPresent(f -> entry.put("failure", f));
            source.problem().ifPresent(p -> entry.put("problem", p));
            sources.add(entry);
        }
        out.put("sources", sources);
        List<Object> docs = new ArrayList<>();
        for (DocumentStatus document : documents) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", document.name());
            entry.put("sources", document.sources());
            entry.put("problems", document.problems());
            document.error().ifPresent(e -> entry.put("error", e));
            docs.add(entry);
        }
        out.put("documents", docs);
        return out;
    }

    private static Map<String, Object> setting(SettingExplanation setting) {
        Effective<?> effective = setting.effective();
        SettingDefinition<?> definition = effective.definition();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", definition.key().name());
        out.put("type", definition.type().name());
        out.put("scopeKind", definition.scope().text());
        out.put("description", definition.description());
        out.put("default", definition.type().toJsonUnchecked(definition.defaultValue()));
        out.put("value", definition.type().toJsonUnchecked(effective.value()));
        out.put("source", effective.provenance().text());
        if (effective.origin() != null) {
            out.put("origin", origin(effective.origin()));
        }
        if (effective.error() != null) {
            out.put("error", error(effective.error()));
        }
        List<Object> shadowed = new ArrayList<>();
        for (SettingItem item : setting.shadowed()) {
            shadowed.add(item(definition, item));
        }
        out.put("shadowed", shadowed);
        return out;
    }

    private static Map<String, Object> item(SettingDefinition<?> definition, SettingItem item) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (item.isError()) {
            out.put("error", error(item.error()));
        } else {
            out.put("value", definition.type().toJsonUnchecked(item.value()));
        }
        out.put("level", item.level().text());
        out.put("origin", origin(item.origin()));
        return out;
    }

    private static Map<String, Object> origin(Origin origin) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", origin.name());
        out.put("scope", origin.scope().toString());
        return out;
    }

    private static Map<String, Object> error(SettingError error) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("code", error.code().name());
        out.put("message", error.message());
        return out;
    }
}

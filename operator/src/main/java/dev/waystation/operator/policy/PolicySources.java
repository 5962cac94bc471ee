package dev.waystation.operator.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicyEnforcement;
import dev.waystation.crd.v1alpha1.PolicyScopeKind;
import dev.waystation.crd.v1alpha1.PolicySpec;
import dev.waystation.policy.document.DocumentSource;
import dev.waystation.policy.rsop.SourcePrecedence;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.ScopeKind;

/**
 * A Policy as policy document sources: one per scope it targets (Device once, one Profile per
 * region, one User per node key), named {@code policy/<namespace>/<name>}, with {@code /<nodekey>}
 * appended for User scope so names stay unique within a document.
 */
final class PolicySources {

    /**
     * The order of sources in a rendered document: by scope kind for readers, then the engine's
     * precedence within a kind. The relay's precedence does not depend on it; it only keeps the
     * document stable.
     */
    static final Comparator<DocumentSource> DOCUMENT_ORDER = Comparator
            .comparing((DocumentSource source) -> source.scope().kind())
            .thenComparing(SourcePrecedence.order(DocumentSource::priority, DocumentSource::name));

    private static final ObjectMapper JSON = new ObjectMapper();

    private PolicySources() {
    }

    static List<DocumentSource> of(Policy policy) {
        PolicySpec spec = policy.getSpec();
        Map<String, Object> values = new TreeMap<>();
        for (Map.Entry<String, JsonNode> setting : spec.getSettings().entrySet()) {
            values.put(setting.getKey(), JSON.convertValue(setting.getValue(), Object.class));
        }
        boolean recommended = spec.getEnforcement() == PolicyEnforcement.Recommended;
        List<DocumentSource> sources = new ArrayList<>();
        for (PolicyScope scope : scopes(spec)) {
            sources.add(new DocumentSource(name(policy, scope), scope, spec.getPriority(),
                    recommended ? Map.of() : new LinkedHashMap<>(values), recommended ? new LinkedHashMap<>(values) : Map.of()));
        }
        return sources;
    }

    /** The scopes a Policy targets. */
    static List<PolicyScope> scopes(PolicySpec spec) {
        return switch (spec.getScope()) {
            case Device -> List.of(PolicyScope.DEVICE);
            case Profile -> spec.getRegions().stream().distinct().map(PolicyScope::profile).toList();
            case User -> spec.getNodeKeys().stream().distinct().map(PolicyScope::user).toList();
        };
    }

    /** Whether a source of this Policy reaches relays of {@code region}: Device and User everywhere, Profile where named. */
    static boolean reaches(DocumentSource source, String region) {
        return source.scope().kind() != ScopeKind.PROFILE || source.scope().profileId().equals(region);
    }

    /** Whether a Policy reaches relays of {@code region}: Device and User scope everywhere, Profile where named. */
    static boolean appliesTo(PolicySpec spec, String region) {
        return spec.getScope() != PolicyScopeKind.Profile || spec.getRegions().contains(region);
    }

    /** Whether a document source was projected from {@code policy}. */
    static boolean belongsTo(DocumentSource source, Policy policy) {
        return source.name().equals(policy.sourceName()) || source.name().startsWith(policy.sourceName() + "/");
    }

    /** The name of {@code policy}'s source at {@code scope}, as relays see it. */
    static String name(Policy policy, PolicyScope scope) {
        return scope.kind() == ScopeKind.USER ? policy.sourceName() + "/" + scope.userId() : policy.sourceName();
    }
}

package dev.waystation.operator.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.crd.v1alpha1.PolicyEnforcement;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.ScopeKind;

/**
 * Renders the policy document of one DerpRegion from the Policies of its namespace, in the relay's
 * policy file format: each Policy that reaches the region becomes a named source
 * ({@code policy/<namespace>/<name>}; a User Policy gets one source per node key, suffixed
 * {@code /<nodekey>}), sorted by scope, priority and name so the relay registers them in
 * {@link PolicyOrder}. An invalid Policy keeps the sources it had in the previous document: bad input
 * never changes what relays enforce.
 */
final class RegionPolicyDocument {

    static final int FORMAT_VERSION = 1;

    private static final String SOURCES = "sources";
    private static final String NAME = "name";
    private static final String SCOPE = "scope";
    private static final String PRIORITY = "priority";
    private static final String MANDATORY = "mandatory";
    private static final String RECOMMENDED = "recommended";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private static final Comparator<Map<String, Object>> SOURCE_ORDER = Comparator
            .comparing((Map<String, Object> source) -> PolicyScope.parse((String) source.get(SCOPE)).kind())
            .thenComparingInt(source -> ((Number) source.getOrDefault(PRIORITY, 0)).intValue())
            .thenComparing(source -> (String) source.get(NAME));

    private RegionPolicyDocument() {
    }

    /**
     * The document text for {@code region}.
     *
     * @param policies every Policy of the region's namespace
     * @param previous the region's current document, if any (source of last good entries)
     */
    static String render(String region, Collection<Policy> policies, PolicyEvaluation evaluation,
            Optional<String> previous) {
        List<Map<String, Object>> previousSources = previous.map(RegionPolicyDocument::sources).orElse(List.of());
        List<Map<String, Object>> sources = new ArrayList<>();
        for (Policy policy : policies) {
            if (evaluation.isAccepted(policy)) {
                if (PolicyTargets.appliesToRegion(policy.getSpec(), region)) {
                    sources.addAll(sourcesOf(policy, region));
                }
            } else {
                previousSources.stream().filter(source -> belongsTo(source, policy)).forEach(sources::add);
            }
        }
        sources.sort(SOURCE_ORDER);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("version", FORMAT_VERSION);
        document.put(SOURCES, sources);
        try {
            return YAML.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the policy document of region " + region, e);
        }
    }

    private static List<Map<String, Object>> sourcesOf(Policy policy, String region) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Object> settings = new TreeMap<>();
        policy.getSpec().getSettings().forEach((key, value) -> settings.put(key, YAML.convertValue(value, Object.class)));
        String level = policy.getSpec().getEnforcement() == PolicyEnforcement.Recommended ? RECOMMENDED : MANDATORY;
        for (PolicyScope scope : PolicyTargets.scopes(policy.getSpec())) {
            if (scope.kind() == ScopeKind.PROFILE && !scope.profileId().equals(region)) {
                continue;
            }
            Map<String, Object> source = new LinkedHashMap<>();
            source.put(NAME, sourceName(policy, scope));
            source.put(SCOPE, scope.toString());
            source.put(PRIORITY, policy.getSpec().getPriority());
            source.put(level, settings);
            out.add(source);
        }
        return out;
    }

    /** {@code policy/<ns>/<name>}, plus {@code /<nodekey>} for a User Policy (one source per client). */
    static String sourceName(Policy policy, PolicyScope scope) {
        return scope.kind() == ScopeKind.USER
                ? policy.sourceName() + "/" + scope.userId()
                : policy.sourceName();
    }

    private static boolean belongsTo(Map<String, Object> source, Policy policy) {
        Object name = source.get(NAME);
        return name instanceof String text
                && (text.equals(policy.sourceName()) || text.startsWith(policy.sourceName() + "/"));
    }

    /** The sources of a document this class rendered; nothing when it does not parse (it is replaced whole). */
    private static List<Map<String, Object>> sources(String document) {
        try {
            Map<String, Object> parsed = YAML.readValue(document, new TypeReference<Map<String, Object>>() { });
            Object sources = parsed == null ? null : parsed.get(SOURCES);
            if (!(sources instanceof List<?> list)) {
                return List.of();
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object item : list) {
                if (item instanceof Map<?, ?> map && map.get(NAME) instanceof String && map.get(SCOPE) instanceof String) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> source = (Map<String, Object>) map;
                    out.add(source);
                }
            }
            return out;
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }
}

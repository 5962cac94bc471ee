package dev.waystation.policy.rsop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.waystation.policy.document.DocumentFormat;
import dev.waystation.policy.document.DocumentSource;
import dev.waystation.policy.document.DocumentValidator;
import dev.waystation.policy.document.PolicyDocument;
import dev.waystation.policy.document.PolicyDocumentParser;
import dev.waystation.policy.document.PolicyDocumentWriter;
import dev.waystation.policy.setting.Origin;
import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.ScopeKind;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingItem;
import dev.waystation.policy.setting.SettingKey;
import dev.waystation.policy.setting.SettingRegistry;
import dev.waystation.policy.setting.SettingType;
import dev.waystation.policy.setting.Snapshot;
import dev.waystation.policy.source.DocumentSources;
import dev.waystation.policy.source.MemoryStore;

/**
 * Tailscale's TestMarshalUnmarshalSnapshot and TestMarshalUnmarshalRawValue on the serialization
 * Waystation has: the policy document (JSON, YAML) with values written by {@link SettingType#toJson}.
 * An effective snapshot written as a document and read back through the engine is equal again;
 * raw JSON values decode by token kind, with {@code null} meaning "not configured" (README: a key
 * with no value is not configured) and {@code []} a configured empty list.
 */
class DocumentRoundTripTest {

    static final PolicyScope REGION = PolicyScope.profile("eu");
    static final List<SettingDefinition<?>> CATALOG = List.of(
            SettingDefinition.of("RoundTrip.Flag", ScopeKind.PROFILE, SettingType.BOOLEAN, true, ""),
            SettingDefinition.of("RoundTrip.Text", ScopeKind.PROFILE, SettingType.STRING, "default", ""),
            SettingDefinition.of("RoundTrip.Count", ScopeKind.PROFILE, SettingType.UNSIGNED_INTEGER, 5L, ""),
            SettingDefinition.of("RoundTrip.Wait", ScopeKind.PROFILE, SettingType.DURATION, Duration.ofSeconds(1), ""),
            SettingDefinition.of("RoundTrip.List", ScopeKind.PROFILE, SettingType.STRING_LIST, List.of("default"), ""));

    final PolicyDocumentParser parser = new PolicyDocumentParser();
    final PolicyDocumentWriter writer = new PolicyDocumentWriter();

    @ParameterizedTest
    @EnumSource(DocumentFormat.class)
    void anEffectiveSnapshotRoundTripsThroughADocument(DocumentFormat format) throws Exception {
        PolicyEngine original = engine();
        MemoryStore fleet = new MemoryStore();
        fleet.replace(Map.of("RoundTrip.Flag", false, "RoundTrip.Count", Long.MAX_VALUE,
                "RoundTrip.Wait", Duration.ofMinutes(90)), Map.of("RoundTrip.List", List.of()));
        original.register("fleet", PolicyScope.DEVICE, fleet);
        original.register("region", REGION, MemoryStore.ofMandatory(Map.of("RoundTrip.Text", "")));
        Snapshot snapshot = original.policyFor(REGION).snapshot();
        assertThat(snapshot.size()).isEqualTo(CATALOG.size());

        PolicyDocument document = document(snapshot);
        PolicyDocument parsed = parser.parse("policy", writer.write(document, format), format);
        assertThat(parsed).isEqualTo(document);
        // Lossy at the raw level, as in Tailscale: a duration comes back as Go text; integers keep every digit.
        assertThat(parsed.sources().get(0).mandatory()).containsEntry("RoundTrip.Wait", "1h30m0s")
                .containsEntry("RoundTrip.Count", Long.MAX_VALUE);

        PolicyEngine copy = engine();
        new DocumentSources("policy", copy, new DocumentValidator(copy.registry())).apply(parsed);
        assertThat(copy.policyFor(REGION).snapshot()).isEqualTo(snapshot);
    }

    @ParameterizedTest
    @ValueSource(strings = {"RoundTrip.Flag", "RoundTrip.Text", "RoundTrip.Count", "RoundTrip.Wait", "RoundTrip.List"})
    void aNullValueIsNotConfiguredAndNoProblem(String key) throws Exception {
        Applied applied = applyJson(key, "null");
        SettingDefinition<?> definition = definition(key);
        Effective<?> effective = applied.policy().effective(definition);
        assertThat(effective.provenance()).isEqualTo(Provenance.DEFAULT);
        assertThat(effective.value()).isEqualTo(definition.defaultValue());
        assertThat(effective.origin()).isNull();
        assertThat(effective.error()).isNull();
        assertThat(applied.documents().status().problems()).isEmpty();
        assertThat(applied.policy().healthy()).isTrue();
    }

    static Stream<Arguments> configured() {
        return Stream.of(
                Arguments.of("RoundTrip.List", "[]", List.of()),
                Arguments.of("RoundTrip.List", "[\"a\", \"b\"]", List.of("a", "b")),
                Arguments.of("RoundTrip.Count", "9223372036854775807", Long.MAX_VALUE),
                Arguments.of("RoundTrip.Count", "0", 0L),
                Arguments.of("RoundTrip.Text", "\"\"", ""),
                Arguments.of("RoundTrip.Flag", "false", false),
                Arguments.of("RoundTrip.Wait", "\"1h30m\"", Duration.ofMinutes(90)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("configured")
    void aJsonValueDecodesByItsTokenKind(String key, String token, Object expected) throws Exception {
        Applied applied = applyJson(key, token);
        Effective<?> effective = applied.policy().effective(definition(key));
        assertThat(effective.provenance()).isEqualTo(Provenance.MANDATORY);
        assertThat(effective.value()).isEqualTo(expected);
        assertThat(effective.error()).isNull();
        assertThat(applied.documents().status().problems()).isEmpty();
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("RoundTrip.Count", "18446744073709551615",
                        "value out of range: number 18446744073709551615 exceeds 9223372036854775807"),
                Arguments.of("RoundTrip.Count", "-1", "type mismatch: want an unsigned integer, got negative number -1"),
                Arguments.of("RoundTrip.Count", "1.5", "type mismatch: want an unsigned integer, got fraction number 1.5"),
                Arguments.of("RoundTrip.List", "{}", "type mismatch: want a list of strings, got an object"),
                Arguments.of("RoundTrip.List", "[1, 2, 3]", "type mismatch: element [0] is number 1, want a string"),
                Arguments.of("RoundTrip.Flag", "{}", "type mismatch: want a boolean, got an object"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("rejected")
    void aJsonValueOfTheWrongKindIsAnErrorItemAndADocumentProblem(String key, String token, String message)
            throws Exception {
        Applied applied = applyJson(key, token);
        SettingDefinition<?> definition = definition(key);
        Effective<?> effective = applied.policy().effective(definition);
        assertThat(effective.provenance()).isEqualTo(Provenance.DEFAULT);
        assertThat(effective.value()).isEqualTo(definition.defaultValue());
        assertThat(effective.origin()).isEqualTo(new Origin("p.json", PolicyScope.DEVICE));
        assertThat(effective.error().message()).isEqualTo(message);
        assertThat(applied.documents().status().problems())
                .containsExactly("p.json: p.json: mandatory.\"" + key + "\": " + message);
    }

    record Applied(ResultantPolicy policy, DocumentSources documents) {
    }

    /** A JSON document setting {@code key} to {@code token} (one Device source), applied to a fresh engine. */
    Applied applyJson(String key, String token) throws Exception {
        PolicyEngine engine = engine();
        DocumentSources documents = new DocumentSources("p.json", engine, new DocumentValidator(engine.registry()));
        documents.apply(parser.parse("p.json", "{\"mandatory\": {\"" + key + "\": " + token + "}}", DocumentFormat.JSON));
        return new Applied(engine.policyFor(REGION), documents);
    }

    /** One document source per origin (sources sorted by name) holding its items as JSON-friendly values. */
    static PolicyDocument document(Snapshot snapshot) {
        Map<Origin, Map<PolicyLevel, Map<String, Object>>> bySource = new TreeMap<>(Comparator.comparing(Origin::name));
        for (SettingKey key : snapshot.keys()) {
            SettingItem item = snapshot.get(key);
            bySource.computeIfAbsent(item.origin(), origin -> new EnumMap<>(PolicyLevel.class))
                    .computeIfAbsent(item.level(), level -> new LinkedHashMap<>())
                    .put(key.name(), definition(key.name()).type().toJsonUnchecked(item.value()));
        }
        return PolicyDocument.of(bySource.entrySet().stream().map(e -> new DocumentSource(e.getKey().name(),
                e.getKey().scope(), 0, e.getValue().getOrDefault(PolicyLevel.MANDATORY, Map.of()),
                e.getValue().getOrDefault(PolicyLevel.RECOMMENDED, Map.of()))).toList());
    }

    static SettingDefinition<?> definition(String key) {
        return CATALOG.stream().filter(d -> d.key().name().equals(key)).findFirst().orElseThrow();
    }

    static PolicyEngine engine() {
        return new EngineFixture(SettingRegistry.of(CATALOG)).engine;
    }
}

package dev.waystation.policy.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.ScopeParseException;

class PolicyDocumentParserTest {

    final PolicyDocumentParser parser = new PolicyDocumentParser();

    @Test
    void readsTheSharedYamlShape() throws Exception {
        PolicyDocument document = parser.parse("policy.yaml", """
                version: 1
                sources:
                  - name: policy/default/deny-list
                    scope: Device
                    priority: 2
                    mandatory:
                      Admission.DeniedClients: ["nodekey:0123"]
                      Admission.AcceptRatePerSecond: 50
                    recommended:
                      STUN.Enabled: true
                  - name: region-eu
                    scope: Profile(eu-west)
                    mandatory:
                      STUN.Enabled: false
                  - name: one-client
                    scope: User(nodekey:ab)
                    mandatory:
                      Client.RateLimitBytesPerSecond: 1000
                      Empty:
                """);
        assertThat(document.version()).isEqualTo(1);
        assertThat(document.sources()).extracting(DocumentSource::name)
                .containsExactly("policy/default/deny-list", "region-eu", "one-client");
        DocumentSource first = document.sources().get(0);
        assertThat(first.scope()).isEqualTo(PolicyScope.DEVICE);
        assertThat(first.priority()).isEqualTo(2);
        assertThat(first.mandatory()).containsEntry("Admission.DeniedClients", List.of("nodekey:0123"))
                .containsEntry("Admission.AcceptRatePerSecond", 50L);
        assertThat(first.recommended()).containsEntry("STUN.Enabled", true);
        assertThat(document.sources().get(1).scope()).isEqualTo(PolicyScope.profile("eu-west"));
        assertThat(document.sources().get(1).priority()).isZero();
        assertThat(document.sources().get(2).scope()).isEqualTo(PolicyScope.user("nodekey:ab"));
        assertThat(document.sources().get(2).mandatory()).containsEntry("Empty", null);
    }

    @Test
    void readsJsonAndTheShortFormWithoutSources() throws Exception {
        PolicyDocument document = parser.parse("/etc/waystation/policy.json",
                "{\"mandatory\": {\"STUN.Enabled\": false}, \"recommended\": {\"Debug.AllowedCIDRs\": []}}");
        assertThat(document.sources()).singleElement().satisfies(source -> {
            assertThat(source.name()).isEqualTo("/etc/waystation/policy.json");
            assertThat(source.scope()).isEqualTo(PolicyScope.DEVICE);
            assertThat(source.mandatory()).containsEntry("STUN.Enabled", false);
            assertThat(source.recommended()).containsEntry("Debug.AllowedCIDRs", List.of());
        });
        assertThat(parser.parse("empty.yaml", "").sources()).isEmpty();
        assertThat(parser.parse("v.yaml", "version: 1").sources()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[1, 2]|p.yaml: the document must be an object, got a list",
        "version: 2|p.yaml: unsupported \"version\" 2 (this release reads version 1)",
        "sorces: []|p.yaml: unknown field \"sorces\"",
        "sources: {}|p.yaml: \"sources\" must be a list, got an object",
        "sources: [{scope: Device}]|p.yaml: sources[0]: \"name\" must be a non-empty string",
        "sources: [{name: a, scope: Device}, {name: a, scope: Device}]|p.yaml: sources[1]: duplicate source name \"a\"",
        "sources: [{name: a}]|p.yaml: sources[0] \"a\": \"scope\" must be a string",
        "sources: [{name: a, scope: 'Device(1)'}]|p.yaml: sources[0] \"a\": scope: the device scope must not have an ID",
        "sources: [{name: a, scope: 'User(1234'}]|p.yaml: sources[0] \"a\": scope: missing ')'",
        "sources: [{name: a, scope: Device, priority: high}]|p.yaml: sources[0] \"a\": \"priority\" must be an integer, got string \"high\"",
        "sources: [{name: a, scope: Device, mandatory: [1]}]|p.yaml: sources[0] \"a\": \"mandatory\" must be a map",
        "sources: [{name: a, scope: Device, extra: 1}]|p.yaml: sources[0] \"a\": unknown field \"extra\"",
        "{sources: [], mandatory: {}}|p.yaml: use either \"sources\" or top-level",
    })
    void rejectsMalformedDocumentsSayingWhere(String content, String message) {
        assertThatThrownBy(() -> parser.parse("p.yaml", content, DocumentFormat.YAML))
                .isInstanceOf(PolicyDocumentException.class).hasMessageStartingWith(message);
    }

    @Test
    void syntaxErrorsAndDuplicateKeysNameTheLine() {
        assertThatThrownBy(() -> parser.parse("p.yaml", "sources:\n  - name: a\n   scope: [", DocumentFormat.YAML))
                .isInstanceOf(PolicyDocumentException.class).hasMessageStartingWith("p.yaml: not valid YAML at line");
        assertThatThrownBy(() -> parser.parse("p.json", "{\"mandatory\": {\"A\": 1, \"A\": 2}}"))
                .hasMessageStartingWith("p.json: not valid JSON at line 1").hasMessageContaining("Duplicate field 'A'");
        assertThatThrownBy(() -> parser.parse("p.json", "{\"mandatory\": {", DocumentFormat.JSON))
                .hasMessageStartingWith("p.json: not valid JSON");
    }

    /** Tailscale's TestPolicyScopeMarshalUnmarshal: a scope is written as its text form and read back equal. */
    @ParameterizedTest
    @ValueSource(strings = {"Device", "Profile", "User", "User(_)", "User(nodekey:0123abcd)", "Profile(1234)",
        "Profile(1234)/User(nodekey:0123abcd)", "Profile(eu-west)/User"})
    void aScopeRoundTripsInItsTextForm(String text) throws Exception {
        PolicyScope scope = PolicyScope.parse(text);
        PolicyDocument document = PolicyDocument.of(List.of(new DocumentSource("s", scope, 0, Map.of(), Map.of())));
        PolicyDocumentWriter writer = new PolicyDocumentWriter();
        assertThat(writer.write(document, DocumentFormat.JSON)).contains("\"scope\" : \"" + text + "\"");
        for (DocumentFormat format : DocumentFormat.values()) {
            assertThat(parser.parse("again", writer.write(document, format), format).sources())
                    .singleElement().satisfies(source -> assertThat(source.scope()).isEqualTo(scope));
        }
    }

    /** Scope parse errors from well-formed input: unlike Tailscale's cases, these are well-formed JSON and reach the scope parser. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|\"\" is not a valid scope",
        "User(1234|missing ')' in scope \"User(1234\"",
        "Device(123)|the device scope must not have an ID: \"Device(123)\"",
    })
    void malformedScopesInWellFormedJsonFailInTheScopeParser(String scope, String message) {
        String json = "{\"sources\": [{\"name\": \"a\", \"scope\": \"" + scope + "\"}]}";
        assertThatThrownBy(() -> parser.parse("p.json", json, DocumentFormat.JSON))
                .isInstanceOf(PolicyDocumentException.class).hasMessage("p.json: sources[0] \"a\": scope: " + message)
                .hasCauseInstanceOf(ScopeParseException.class);
    }

    @Test
    void writerRoundTripsInBothFormats() throws Exception {
        PolicyDocument document = parser.parse("p.yaml", """
                sources:
                  - {name: a, scope: 'Profile(eu)/User(nodekey:1)', priority: -1, mandatory: {Client.Allowed: false}}
                  - {name: b, scope: Device, recommended: {Debug.AllowedCIDRs: [10.0.0.0/8], X.Wait: 5s}}
                """);
        PolicyDocumentWriter writer = new PolicyDocumentWriter();
        for (DocumentFormat format : DocumentFormat.values()) {
            String text = writer.write(document, format);
            assertThat(parser.parse("again", text, format)).isEqualTo(document);
        }
        assertThat(DocumentFormat.ofFileName("A.JSON")).isEqualTo(DocumentFormat.JSON);
        assertThat(DocumentFormat.ofFileName("policy.yml")).isEqualTo(DocumentFormat.YAML);
    }
}

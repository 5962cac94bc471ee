package dev.waystation.policy.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingRegistry;
import dev.waystation.policy.setting.SettingValueException;

/**
 * Policy documents (the relay's policy file, the operator's projection ConfigMap) from arbitrary
 * bytes, read as JSON and as YAML, then checked against the relay's catalog as the relay does.
 * Seeds: the policies of {@code kubernetes/examples} as documents, the shapes the parser's tests
 * read, and JSON from the operator's writer.
 *
 * <p>Whatever the bytes: a document or a {@link PolicyDocumentException} naming the document, never
 * another exception; checking values against the catalog never throws either; and a document the
 * catalog accepts, written by {@link PolicyDocumentWriter} (what the operator projects) and read
 * back, has the same sources with the same effective values.
 */
class PolicyDocumentFuzzTest {

    private static final String NAME = "policy.yaml";
    private static final SettingRegistry CATALOG = RelaySettings.registry();

    private final PolicyDocumentParser parser = new PolicyDocumentParser();
    private final PolicyDocumentWriter writer = new PolicyDocumentWriter();
    private final DocumentValidator validator = new DocumentValidator(CATALOG);

    /** Document words, and YAML/JSON number and structure forms that plain byte mutation rarely spells. */
    @FuzzTest
    @DictionaryEntries({"version", "sources", "name", "scope", "priority", "mandatory", "recommended", "Device",
        "Profile(", "User(nodekey:", "STUN.Enabled", "Admission.AcceptBurst", "Admission.DeniedClients",
        "Client.RateLimitBytesPerSecond", "Debug.AllowedCIDRs", ".nan", ".inf", "-.inf", "1e999", "0x1F", "0o17",
        "1_000", "&a", "*a", "<<: ", "!!binary", "!!float", "? ", "- ", "[", "{", "~", "\"\\u0000\""})
    void document(byte[] input) throws Exception {
        String content = new String(input, StandardCharsets.UTF_8);
        for (DocumentFormat format : DocumentFormat.values()) {
            PolicyDocument document;
            try {
                document = parser.parse(NAME, content, format);
            } catch (PolicyDocumentException e) {
                assertThat(e.getMessage()).startsWith(NAME + ": ");
                continue;
            }
            List<DocumentProblem> problems = validator.problems(document);
            if (problems.isEmpty()) {
                PolicyDocument again = parser.parse(NAME, writer.write(document, format), format);
                assertSameEffectiveValues(again, document);
            }
        }
    }

    private static void assertSameEffectiveValues(PolicyDocument actual, PolicyDocument expected)
            throws SettingValueException {
        assertThat(actual.sources()).hasSameSizeAs(expected.sources());
        for (int i = 0; i < expected.sources().size(); i++) {
            DocumentSource want = expected.sources().get(i);
            DocumentSource got = actual.sources().get(i);
            assertThat(got.name()).isEqualTo(want.name());
            assertThat(got.scope()).isEqualTo(want.scope());
            assertThat(got.priority()).isEqualTo(want.priority());
            for (PolicyLevel level : PolicyLevel.values()) {
                Map<String, Object> wantValues = want.values(level);
                Map<String, Object> gotValues = got.values(level);
                assertThat(gotValues.keySet()).as("%s %s keys", want.name(), level).isEqualTo(wantValues.keySet());
                for (Map.Entry<String, Object> entry : wantValues.entrySet()) {
                    SettingDefinition<?> definition = CATALOG.definition(entry.getKey()).orElseThrow();
                    Object wantValue = entry.getValue() == null ? null : definition.coerce(entry.getValue());
                    Object gotValue = gotValues.get(entry.getKey()) == null ? null
                            : definition.coerce(gotValues.get(entry.getKey()));
                    assertThat(gotValue).as("%s %s %s", want.name(), level, entry.getKey()).isEqualTo(wantValue);
                }
            }
        }
    }
}

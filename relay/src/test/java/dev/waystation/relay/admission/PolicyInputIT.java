package dev.waystation.relay.admission;

import static dev.waystation.relay.testing.PolicyDocs.document;
import static dev.waystation.relay.testing.PolicyDocs.list;
import static dev.waystation.relay.testing.PolicyDocs.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.waystation.relay.testing.PolicyFileRelay;

/**
 * Bad policy input never opens the relay to a denied client: a node key written in upper case still
 * matches, a list with one bad element keeps its last good value (the problem names key and element),
 * an oversized file is refused with the last good policy kept, and an admission setting that is
 * broken with nothing good to fall back on rejects every new client. Real {@code derphttp} clients.
 */
class PolicyInputIT {

    private static final String REGION = "Profile(default)";
    private static final int MAX_FILE_BYTES = 8192;
    private static final Duration BOUND = Duration.ofSeconds(30);

    private static PolicyFileRelay relay;
    private static List<String> denied;

    @BeforeAll
    static void start() throws Exception {
        denied = PolicyFileRelay.newKeyPair();
        relay = PolicyFileRelay.start(denyList(denied.get(1).toUpperCase(Locale.ROOT).replace("NODEKEY:", "nodekey:")),
                Map.of("waystation.policy.file-max-bytes", Integer.toString(MAX_FILE_BYTES)));
        relay.awaitSetting(REGION, "Admission.DeniedClients", "[\"" + denied.get(1) + "\"]");
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private static String denyList(String... keys) {
        return document(source("lists", "Device", "Admission.DeniedClients: " + list(List.of(keys))));
    }

    private static String documentError() throws Exception {
        return relay.documentError(REGION);
    }

    @Test
    void aKeyListedInUpperCaseIsDenied() {
        assertThat(relay.tryConnect(denied.get(0))).as("denied key, listed in upper case").isFalse();
        assertThat(relay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).as("another key").isTrue();
    }

    @Test
    void aBadElementKeepsTheLastGoodDenyListAndIsNamed() throws Exception {
        relay.writePolicy(denyList(denied.get(1), "nodekey:TYPO"));
        Awaitility.await("the problem shows").atMost(BOUND).until(() -> relay.relay.policy(REGION).path("sources")
                .toString().contains("nodekey:TYPO"));
        String sources = relay.relay.policy(REGION).path("sources").toString();
        assertThat(sources).contains("Admission.DeniedClients").contains("element [1]")
                .contains("keeping the last good value");
        assertThat(relay.setting(REGION, "Admission.DeniedClients").path("value").toString())
                .isEqualTo("[\"" + denied.get(1) + "\"]");
        assertThat(relay.tryConnect(denied.get(0))).as("denied key while the list has a bad element").isFalse();

        relay.writePolicy(denyList(denied.get(1)));
        Awaitility.await("healthy again").atMost(BOUND).until(() -> relay.relay.policy(REGION).path("healthy")
                .asBoolean());
    }

    @Test
    void anOversizedFileIsRefusedAndTheDenyListStays() throws Exception {
        String oversized = denyList(denied.get(1)).replace("sources:", "sources: # " + "x".repeat(MAX_FILE_BYTES));
        relay.writePolicy(oversized.replace(denied.get(1), PolicyFileRelay.newKeyPair().get(1)));
        Awaitility.await("the size error shows").atMost(BOUND).until(() -> documentError().contains("over the limit"));
        assertThat(documentError()).contains("over the limit of " + MAX_FILE_BYTES + " bytes");
        assertThat(relay.tryConnect(denied.get(0))).as("denied key while the file is oversized").isFalse();

        relay.writePolicy(denyList(denied.get(1)));
        Awaitility.await("the error clears").atMost(BOUND).until(() -> documentError().isEmpty());
    }

    @Test
    void aBrokenAdmissionSettingWithoutLastGoodValueFailsClosed() throws Exception {
        String decisions = "waystation_admission_decisions_total{reason=\"policy_error\",result=\"rejected\"}";
        // A new source (nothing good to fall back on) whose webhook URL is no URL: the default, no
        // webhook, would admit everyone the webhook is there to refuse.
        relay.writePolicy(denyList(denied.get(1)) + source("broken", "Device", "Admission.VerifyURL: 'not a url'"));
        relay.awaitSetting(REGION, "Admission.VerifyURL", "\"\"");
        Awaitility.await("the error is in force").atMost(BOUND).until(() -> !relay.setting(REGION,
                "Admission.VerifyURL").path("error").isMissingNode());
        assertThat(relay.setting(REGION, "Admission.VerifyURL").path("error").path("message").asText())
                .startsWith("invalid URL \"not a url\"");
        double before = relay.relay.metric(decisions);
        assertThat(relay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).as("a new client").isFalse();
        assertThat(relay.relay.metric(decisions)).isEqualTo(before + 1);

        relay.writePolicy(denyList(denied.get(1)));
        Awaitility.await("the error is gone").atMost(BOUND).until(() -> relay.setting(REGION,
                "Admission.VerifyURL").path("error").isMissingNode());
        assertThat(relay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).as("a new client once fixed").isTrue();
    }
}

package dev.waystation.relay.admission;

import static dev.waystation.relay.testing.PolicyDocs.document;
import static dev.waystation.relay.testing.PolicyDocs.list;
import static dev.waystation.relay.testing.PolicyDocs.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.GoCheck;

import dev.waystation.relay.testing.PolicyFileRelay;

/**
 * Deny list, allow list and {@code Client.Allowed} at handshake and live, with clients built on
 * Tailscale's {@code derphttp} ({@code src/interop/cmd/derpclient}, {@code derpcheck}).
 */
class ClientAdmissionIT {

    private static final String REGION = "Profile(default)";
    private static final String REJECTED_DENY_LIST =
            "waystation_admission_decisions_total{reason=\"deny_list\",result=\"rejected\"}";

    private static PolicyFileRelay relay;
    private static List<String> denied;

    @BeforeAll
    static void start() throws Exception {
        denied = PolicyFileRelay.newKeyPair();
        relay = PolicyFileRelay.start(document(source("lists", "Device",
                "Admission.DeniedClients: " + list(List.of(denied.get(1))))), Map.of());
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void deniedKeyIsRefusedAtHandshakeCountedEachTimeAndLoggedOnce() {
        double before = relay.relay.metric(REJECTED_DENY_LIST);
        assertThat(relay.tryConnect(denied.get(0))).as("denied key admitted").isFalse();
        assertThat(relay.tryConnect(denied.get(0))).as("denied key admitted the second time").isFalse();
        assertThat(relay.relay.metric(REJECTED_DENY_LIST)).isEqualTo(before + 2);
        assertThat(relay.relay.logText().lines().filter(line -> line.contains("rejected " + denied.get(1))))
                .as("log lines for the denied key").hasSize(1);
        assertThat(relay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).as("other key refused").isTrue();
    }

    @Test
    void addingAConnectedKeyToTheDenyListDisconnectsItWhileOthersKeepExchanging() throws Exception {
        List<String> victim = PolicyFileRelay.newKeyPair();
        GoCheck.Running held = GoCheck.holdConnection(relay.relay.derpUrl(), victim.get(0), 60);
        try {
            GoCheck.Running steady = GoCheck.start("derpcheck", "steady", relay.relay.derpUrl(), "12");
            Thread.sleep(2000);

            relay.writePolicy(document(source("lists", "Device",
                    "Admission.DeniedClients: " + list(List.of(denied.get(1), victim.get(1))))));
            long changed = System.nanoTime();
            Awaitility.await("victim disconnected").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> held.said("DISCONNECTED"));
            Duration took = Duration.ofNanos(System.nanoTime() - changed);

            GoCheck.Result steadyResult = steady.await(60);
            assertThat(steadyResult.ok()).as("unrelated clients lost packets:\n%s", steadyResult.output()).isTrue();
            assertThat(took).as("disconnect after the policy change").isLessThan(Duration.ofSeconds(5));
            assertThat(relay.relay.metric("waystation_admission_policy_disconnects_total")).isGreaterThanOrEqualTo(1);
            assertThat(relay.tryConnect(victim.get(0))).as("victim reconnected").isFalse();
        } finally {
            held.process().destroyForcibly();
        }
    }

    @Test
    void clientAllowedTurningFalseDisconnectsThatClientOnly() throws Exception {
        List<String> client = PolicyFileRelay.newKeyPair();
        GoCheck.Running held = GoCheck.holdConnection(relay.relay.derpUrl(), client.get(0), 60);
        try {
            relay.writePolicy(document(source("lists", "Device",
                    "Admission.DeniedClients: " + list(List.of(denied.get(1)))),
                    source("one-client", "User(" + client.get(1) + ")", "Client.Allowed: false")));
            Awaitility.await("client disconnected").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> held.said("DISCONNECTED"));
            assertThat(relay.relay.metric("waystation_admission_policy_disconnects_total")).isGreaterThanOrEqualTo(1);
            assertThat(relay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).as("another client").isTrue();
        } finally {
            held.process().destroyForcibly();
            relay.writePolicy(document(source("lists", "Device",
                    "Admission.DeniedClients: " + list(List.of(denied.get(1))))));
        }
    }

    @Test
    void aNonEmptyAllowListAdmitsOnlyItsKeysAndClientAllowedFalseRefuses() {
        List<String> listed = PolicyFileRelay.newKeyPair();
        List<String> other = PolicyFileRelay.newKeyPair();
        List<String> blocked = PolicyFileRelay.newKeyPair();
        try {
            relay.writePolicy(document(source("lists", "Device",
                    "Admission.DeniedClients: " + list(List.of(denied.get(1))),
                    "Admission.AllowedClients: " + list(List.of(listed.get(1), blocked.get(1)))),
                    source("one-client", "User(" + blocked.get(1) + ")", "Client.Allowed: false")));
            relay.awaitSetting(REGION, "Admission.AllowedClients", "[\"" + listed.get(1) + "\",\"" + blocked.get(1) + "\"]");
            relay.awaitSetting(REGION + "/User(" + blocked.get(1) + ")", "Client.Allowed", "false");

            assertThat(relay.tryConnect(listed.get(0))).as("listed key").isTrue();
            assertThat(relay.tryConnect(other.get(0))).as("unlisted key").isFalse();
            assertThat(relay.tryConnect(blocked.get(0))).as("listed key with Client.Allowed false").isFalse();
            assertThat(relay.relay.metric(
                    "waystation_admission_decisions_total{reason=\"not_in_allow_list\",result=\"rejected\"}"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(relay.relay.metric(
                    "waystation_admission_decisions_total{reason=\"client_not_allowed\",result=\"rejected\"}"))
                    .isGreaterThanOrEqualTo(1);
        } finally {
            relay.writePolicy(document(source("lists", "Device",
                    "Admission.DeniedClients: " + list(List.of(denied.get(1))))));
            relay.awaitSetting(REGION, "Admission.AllowedClients", "[]");
        }
    }

    @Test
    void aKeyTakenOffTheDenyListConnectsAtOnce() {
        List<String> pardoned = PolicyFileRelay.newKeyPair();
        relay.writePolicy(document(source("lists", "Device",
                "Admission.DeniedClients: " + list(List.of(denied.get(1), pardoned.get(1))))));
        relay.awaitSetting(REGION, "Admission.DeniedClients", "[\"" + denied.get(1) + "\",\"" + pardoned.get(1) + "\"]");
        assertThat(relay.tryConnect(pardoned.get(0))).as("while denied").isFalse();

        relay.writePolicy(document(source("lists", "Device",
                "Admission.DeniedClients: " + list(List.of(denied.get(1))))));
        relay.awaitSetting(REGION, "Admission.DeniedClients", "[\"" + denied.get(1) + "\"]");
        assertThat(relay.tryConnect(pardoned.get(0))).as("after the deny list dropped it").isTrue();
    }

    @Test
    void anAllowListThatLeavesAConnectedKeyOutDisconnectsIt() {
        List<String> outsider = PolicyFileRelay.newKeyPair();
        List<String> member = PolicyFileRelay.newKeyPair();
        try (GoCheck.Running held = GoCheck.holdConnection(relay.relay.derpUrl(), outsider.get(0), 60)) {
            relay.writePolicy(document(source("lists", "Device",
                    "Admission.DeniedClients: " + list(List.of(denied.get(1))),
                    "Admission.AllowedClients: " + list(List.of(member.get(1))))));
            Awaitility.await("outsider disconnected").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> held.said("DISCONNECTED"));
        } finally {
            relay.writePolicy(document(source("lists", "Device",
                    "Admission.DeniedClients: " + list(List.of(denied.get(1))))));
            relay.awaitSetting(REGION, "Admission.AllowedClients", "[]");
        }
    }
}

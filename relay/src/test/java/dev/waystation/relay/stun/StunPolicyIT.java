package dev.waystation.relay.stun;

import static dev.waystation.relay.testing.PolicyDocs.document;
import static dev.waystation.relay.testing.PolicyDocs.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.waystation.relay.testing.PolicyFileRelay;

/**
 * {@code STUN.Enabled} and {@code STUN.AnswerAllClients} switch the running relay's STUN server
 * live, checked with Tailscale's own STUN client and coturn's {@code turnutils_stunclient}.
 */
class StunPolicyIT {

    private static final String REGION = "Profile(default)";

    @Test
    void stunFollowsThePolicyWithoutRestart() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        CoturnStunClient.ensureInstalled();
        try (PolicyFileRelay relay = PolicyFileRelay.start(document(source("stun", "Device", "STUN.Enabled: true")),
                Map.of("waystation.stun.port", Integer.toString(port), "waystation.stun.bind-addresses", "127.0.0.1"))) {
            assertThat(StunProbe.answers(StunProbe.run(server, 1, Duration.ofSeconds(2)))).hasSize(1);
            assertThat(CoturnStunClient.reflexiveAddresses(CoturnStunClient.ask(server, Duration.ofSeconds(3))))
                    .as("plain RFC 5389 client while AnswerAllClients is off").isEmpty();

            relay.writePolicy(document(source("stun", "Device", "STUN.AnswerAllClients: true")));
            relay.awaitSetting(REGION, "STUN.AnswerAllClients", "true");
            // Answer-all is in force: coturn's bare 20-byte request is now refused as an amplification
            // (its answer would be longer), no longer as a non-Tailscale request.
            String amplification = "stun_dropped_total{reason=\"amplification\"}";
            double refused = relay.relay.metric(amplification);
            assertThat(CoturnStunClient.reflexiveAddresses(CoturnStunClient.ask(server, Duration.ofSeconds(3))))
                    .as("plain RFC 5389 client with AnswerAllClients on").isEmpty();
            assertThat(relay.relay.metric(amplification)).isGreaterThan(refused);

            relay.writePolicy(document(source("stun", "Device", "STUN.Enabled: false")));
            relay.awaitSetting(REGION, "STUN.Enabled", "false");
            CommandResult off = StunProbe.run(server, 1, Duration.ofSeconds(2));
            assertThat(StunProbe.answers(off)).as("STUN disabled by policy:\n%s", off.output()).isEmpty();

            relay.writePolicy(document(source("stun", "Device", "STUN.Enabled: true")));
            relay.awaitSetting(REGION, "STUN.Enabled", "true");
            Awaitility.await("STUN back on").atMost(Duration.ofSeconds(10))
                    .until(() -> StunProbe.answers(StunProbe.run(server, 1, Duration.ofSeconds(1))).size() == 1);
            assertThat(relay.tryConnect(PolicyFileRelay.newKeyPair().get(0))).as("DERP unaffected").isTrue();
        }
    }
}

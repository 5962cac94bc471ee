package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.GoCheck;
import dev.waystation.testing.RelayProcess;

/**
 * A receiver that never reads is disconnected by the write deadline, and the client flooding it
 * keeps exchanging packets with someone else meanwhile (a slow receiver never stalls a sender).
 */
class SlowReceiverIT {

    @Test
    void stuckReceiverIsDroppedWhileTheSenderKeepsGoing() throws Exception {
        SecureRandom random = new SecureRandom();
        try (RelayProcess relay = RelayProcess.start(); RawDerpClient stuck = new RawDerpClient(relay.derpPort())) {
            NodeKey server = stuck.upgrade();
            NodePrivateKey me = NodePrivateKey.generate(random);
            byte[] box = NaclBox.seal(me, server, "{\"version\":2}".getBytes(), random);
            stuck.send(RawDerpClient.frame(FrameType.CLIENT_INFO,
                    ByteBuffer.allocate(32 + box.length).put(me.publicKey().toBytes()).put(box).array()));
            // From here on the stuck client reads nothing.
            GoCheck.Result flood = GoCheck.run("derpcheck", 120, "flood", relay.derpUrl(),
                    me.publicKey().toString(), "12");
            assertThat(flood.ok()).as("flood:\n%s\nrelay log:\n%s", flood.output(), relay.logText()).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> relay.metric("derp_sclient_write_timeouts_total") >= 1);
            assertThat(relay.metric("derp_packets_dropped_total{kind=\"other\",reason=\"queue_head\"}")
                    + relay.metric("derp_packets_dropped_total{kind=\"other\",reason=\"gone_disconnected\"}"))
                    .isPositive();
        }
    }
}

package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.RelayProcess;

/**
 * Server behaviour Tailscale's client relies on but never provokes on purpose, driven frame by frame:
 * unknown frame types are skipped, KeepAlive arrives on schedule, a disco packet for a key that is
 * not here gets PeerGone(NotHere) at most three times in a burst, NotePreferred counts home clients.
 */
class ServerFramesIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte UNKNOWN_FRAME_TYPE = 0x7e;
    private static RelayProcess relay;

    @BeforeAll
    static void start() {
        relay = RelayProcess.start(Map.of("waystation.relay.keep-alive", "1s",
                "waystation.relay.keep-alive-jitter", "100ms"));
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void anUnknownFrameIsSkippedAndTheConnectionGoesOn() throws Exception {
        double before = relay.metric("derp_unknown_frames_total");
        try (RawDerpClient client = new RawDerpClient(relay.derpPort())) {
            client.handshake();
            client.send(RawDerpClient.frame(UNKNOWN_FRAME_TYPE, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
            byte[] ping = {'w', 'a', 'y', 's', 't', 'a', 't', 'n'};
            client.send(RawDerpClient.frame(FrameType.PING, ping));

            RawDerpClient.Frame pong = client.readUntil(FrameType.PONG);
            assertThat(pong.payload()).isEqualTo(ping);
        }
        assertThat(relay.metric("derp_unknown_frames_total")).isEqualTo(before + 1);
    }

    @Test
    void keepAliveArrivesOnItsPeriod() throws Exception {
        try (RawDerpClient client = new RawDerpClient(relay.derpPort())) {
            client.handshake();
            RawDerpClient.Frame keepAlive = client.readUntil(FrameType.KEEP_ALIVE);
            assertThat(keepAlive.payload()).isEmpty();
        }
    }

    @Test
    void discoForAKeyThatIsNotHereGetsAtMostThreePeerGoneNotHere() throws Exception {
        double before = relay.metric("derp_peer_gone_not_here_frames_total");
        NodeKey absent = NodePrivateKey.generate(RANDOM).publicKey();
        byte[] disco = new byte[Protocol.MIN_DISCO_PACKET_LENGTH];
        RANDOM.nextBytes(disco);
        System.arraycopy(Protocol.DISCO_MAGIC, 0, disco, 0, Protocol.DISCO_MAGIC.length);
        byte[] send = ByteBuffer.allocate(Protocol.KEY_LENGTH + disco.length).put(absent.toBytes()).put(disco).array();
        try (RawDerpClient client = new RawDerpClient(relay.derpPort())) {
            client.handshake();
            for (int i = 0; i < 5; i++) {
                client.send(RawDerpClient.frame(FrameType.SEND_PACKET, send));
            }
            // Everything the relay sends in the next 1.5 s (KeepAlives included, every second here).
            int notHere = 0;
            long deadline = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            for (long left; (left = deadline - System.nanoTime()) > 0;) {
                client.socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
                RawDerpClient.Frame frame;
                try {
                    frame = client.readFrame();
                } catch (SocketTimeoutException quiet) {
                    break;
                }
                if (frame.type() == FrameType.PEER_GONE) {
                    assertThat(Arrays.copyOf(frame.payload(), Protocol.KEY_LENGTH)).isEqualTo(absent.toBytes());
                    assertThat(frame.payload()[Protocol.KEY_LENGTH]).isEqualTo(PeerGoneReason.NOT_HERE);
                    notHere++;
                }
            }
            assertThat(notHere).as("PeerGone(NotHere) frames for 5 disco packets sent at once").isEqualTo(3);
        }
        assertThat(relay.metric("derp_peer_gone_not_here_frames_total")).isEqualTo(before + 3);
    }

    @Test
    void notePreferredMakesAHomeConnection() throws Exception {
        double before = relay.metric("derp_current_home_connections");
        try (RawDerpClient client = new RawDerpClient(relay.derpPort())) {
            client.handshake();
            client.send(RawDerpClient.frame(FrameType.NOTE_PREFERRED, new byte[] {1}));
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> relay.metric("derp_current_home_connections") == before + 1);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> relay.metric("derp_current_home_connections") == before);
    }
}

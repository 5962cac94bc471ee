package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.GoCheck;
import dev.waystation.testing.RelayProcess;

/**
 * Bad input closes only the offending connection, with a metric, while a healthy pair of real
 * Tailscale clients keeps exchanging packets on the same relay throughout.
 */
class MalformedInputIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static RelayProcess relay;
    private static GoCheck.Running healthy;

    @BeforeAll
    static void start() {
        relay = RelayProcess.start();
        healthy = GoCheck.start("derpcheck", "steady", relay.derpUrl(), "60");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> healthy.output().contains("READY")
                || !healthy.process().isAlive());
        assertThat(healthy.process().isAlive()).as("healthy clients failed to start:\n%s", healthy.output()).isTrue();
    }

    @AfterAll
    static void stop() {
        try {
            if (healthy != null) {
                GoCheck.Result result = healthy.await(120);
                assertThat(result.ok()).as("the healthy clients were disturbed:\n%s", result.output()).isTrue();
            }
        } finally {
            if (relay != null) {
                relay.close();
            }
        }
    }

    private static String errors(String reason) {
        return "derp_protocol_errors_total{reason=\"" + reason + "\"}";
    }

    private static void assertClosedWithMetric(RawDerpClient client, String reason, double before) throws Exception {
        assertThat(client.closedByServer()).as("server closed the connection").isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> relay.metric(errors(reason)) > before);
        assertThat(healthy.process().isAlive()).as("healthy clients still running:\n%s", healthy.output()).isTrue();
    }

    @Test
    void garbageBeforeTheUpgrade() throws Exception {
        double before = relay.metric(errors("bad_http_request"));
        try (RawDerpClient client = new RawDerpClient(relay.derpPort())) {
            client.send(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o', '\r', '\n', '\r', '\n'});
            assertClosedWithMetric(client, "bad_http_request", before);
        }
    }

    @Test
    void wrongMagicInsteadOfClientInfo() throws Exception {
        double before = relay.metric(errors("not_client_info"));
        try (RawDerpClient client = new RawDerpClient(relay.derpPort())) {
            client.upgrade();
            byte[] payload = "DERQ\u00f0\u009f\u0094\u0091".getBytes(StandardCharsets.ISO_8859_1);
            client.send(RawDerpClient.frame(FrameType.SERVER_KEY, Arrays.copyOf(payload, 40)));
            assertClosedWithMetric(client, "not_client_info", before);
        }
    }

    @Test
    void oversizedClientInfo() throws Exception {
        double before = relay.metric(errors("client_info_length"));
        try (RawDerpClient client = new RawDerpClient(relay.derpPort())) {
            client.upgrade();
            client.send(ByteBuffer.allocate(5).put(FrameType.CLIENT_INFO).putInt(Integer.MAX_VALUE).array());
            assertClosedWithMetric(client, "client_info_length", before);
        }
    }

    @Test
    void oversizedSendPacketAfterTheHandshake() throws Exception {
        double before = relay.metric(errors("frame_length"));
        try (RawDerpClient client = new RawDerpClient(relay.derpPort())) {
            client.handshake();
            byte[] huge = new byte[Protocol.KEY_LENGTH + Protocol.MAX_PACKET_SIZE + 1];
            client.send(RawDerpClient.frame(FrameType.SEND_PACKET, huge));
            assertClosedWithMetric(client, "frame_length", before);
        }
    }

    @Test
    void clientInfoThatDoesNotDecrypt() throws Exception {
        double before = relay.metric(errors("client_info_box"));
        try (RawDerpClient client = new RawDerpClient(relay.derpPort())) {
            client.upgrade();
            byte[] info = new byte[32 + 24 + 16 + 40];
            RANDOM.nextBytes(info);
            client.send(RawDerpClient.frame(FrameType.CLIENT_INFO, info));
            assertClosedWithMetric(client, "client_info_box", before);
        }
    }

    @Test
    void truncatedFrame() throws Exception {
        double before = relay.metric(errors("truncated_frame"));
        try (RawDerpClient client = new RawDerpClient(relay.derpPort())) {
            client.upgrade();
            byte[] whole = RawDerpClient.frame(FrameType.CLIENT_INFO, new byte[200]);
            client.send(Arrays.copyOf(whole, 100));
            client.socket.shutdownOutput();
            assertClosedWithMetric(client, "truncated_frame", before);
        }
    }
}

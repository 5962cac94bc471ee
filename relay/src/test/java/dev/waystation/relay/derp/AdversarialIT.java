package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.waystation.relay.testing.AdversarialSuite;
import dev.waystation.relay.testing.PolicyDocs;
import dev.waystation.testing.GoCheck;

/**
 * Attacks on the relay's transport, each bounded in count and time, against a relay process with a
 * small heap and a small direct-memory limit while a pair of Tailscale {@code derphttp} clients keeps
 * exchanging packets (see {@link AdversarialSuite} for what must hold after each attack), and the
 * metric that counts the attack moved.
 */
class AdversarialIT extends AdversarialSuite {

    private static final int HANDSHAKE_BUDGET_BYTES = 2 * 1024 * 1024;
    /** Below the direct-memory limit of the suite, so the pause (not an OutOfMemoryError) answers pressure. */
    private static final int ESTABLISHED_BUDGET_BYTES = 4 * 1024 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private int stunPort;

    @Override
    protected Map<String, String> relayConfig() throws IOException {
        try (DatagramSocket free = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            stunPort = free.getLocalPort();
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("waystation.relay.head-timeout", "2s");
        config.put("waystation.relay.handshake-timeout", "5s");
        config.put("waystation.relay.handshake-buffer-budget", Integer.toString(HANDSHAKE_BUDGET_BYTES));
        config.put("waystation.relay.established-buffer-budget", Integer.toString(ESTABLISHED_BUDGET_BYTES));
        config.put("waystation.stun.port", Integer.toString(stunPort));
        config.put("waystation.stun.answer-all-clients", "true");
        return config;
    }

    @Override
    protected String initialPolicy() {
        return PolicyDocs.document(PolicyDocs.source("transport", "Device", "STUN.Enabled: true"));
    }

    // ------------------------------------------------------------------ row 1: WebSocket pings, never read

    @Test
    void webSocketPingsWithoutReading() throws Exception {
        double ignored = relay.metric("waystation_websocket_pings_ignored_total");
        try (SocketChannel channel = Attacker.nonReading(relay.derpPort())) {
            channel.write(ByteBuffer.wrap(Attacker.webSocketUpgrade()));
            long sent = Attacker.writeUntilStalled(channel, Attacker.webSocketPing(), 64 * MIB);
            assertThat(sent).as("pings sent").isPositive();
            Awaitility.await("pings ignored after " + sent + " bytes of pings").atMost(Duration.ofSeconds(20))
                    .until(() -> relay.metric("waystation_websocket_pings_ignored_total") > ignored);
        }
    }

    // ------------------------------------------------------------------ row 2: pipelining, never read

    @Test
    void pipelinedRequestsWithoutReading() throws Exception {
        double pauses = relay.metric("waystation_http_pipeline_pauses_total");
        byte[] request = Attacker.ascii("GET / HTTP/1.1\r\nHost: relay\r\n\r\n");
        try (SocketChannel channel = Attacker.nonReading(relay.derpPort())) {
            // One write of thousands of requests first (the burst that once overflowed the stack), then more.
            byte[] burst = new byte[request.length * 2000];
            for (int i = 0; i < 2000; i++) {
                System.arraycopy(request, 0, burst, i * request.length, request.length);
            }
            channel.write(ByteBuffer.wrap(burst));
            Attacker.writeUntilStalled(channel, request, 16 * MIB);
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> relay.metric("waystation_http_pipeline_pauses_total") > pauses);
        }
    }

    @Test
    void pipelinedRequestsAreAllAnsweredInOrderWhenRead() throws Exception {
        int count = 500;
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < count; i++) {
            requests.append("GET /generate_204 HTTP/1.1\r\nHost: relay\r\n\r\n");
        }
        try (Socket socket = new Socket("127.0.0.1", relay.derpPort())) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(Attacker.ascii(requests.toString()));
            InputStream in = socket.getInputStream();
            StringBuilder answers = new StringBuilder();
            byte[] chunk = new byte[16 * 1024];
            int answered = 0;
            while (answered < count) {
                int n = in.read(chunk);
                assertThat(n).as("connection open after %d answers", answered).isPositive();
                answers.append(new String(chunk, 0, n, StandardCharsets.ISO_8859_1));
                answered = answers.toString().split("HTTP/1.1 204 ", -1).length - 1;
            }
            assertThat(answered).isEqualTo(count);
        }
    }

    // ------------------------------------------------------------------ row 3: idle sockets, slow heads

    @Test
    void idleConnectionsAndSlowHeadsAreClosed() throws Exception {
        double timeouts = relay.metric("waystation_http_head_timeouts_total");
        List<Socket> sockets = new ArrayList<>();
        try {
            sockets.addAll(Attacker.open(relay.derpPort(), 150, new byte[0]));
            sockets.addAll(Attacker.open(relay.derpPort(), 100, Attacker.ascii("GET / HTTP/1.1\r\nHost: re")));
            // Keep-alive: one request answered, then silence; the timer starts again per request.
            List<Socket> keptAlive = Attacker.open(relay.derpPort(), 20,
                    Attacker.ascii("GET /generate_204 HTTP/1.1\r\nHost: relay\r\n\r\n"));
            sockets.addAll(keptAlive);
            for (Socket socket : sockets) {
                assertThat(RawDerpClient.closedByServer(socket)).as("closed by the relay").isTrue();
            }
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> relay.metric("waystation_http_head_timeouts_total") >= timeouts + sockets.size());
        } finally {
            Attacker.closeAll(sockets);
        }
    }

    // ------------------------------------------------------------------ row 4: ClientInfo length claims

    @Test
    void clientInfoLengthClaimsHoldOnlyWhatArrived() throws Exception {
        double exceeded = relay.metric("waystation_receive_budget_exceeded_total{phase=\"handshake\"}");
        int connections = 250;
        byte[] claim = ByteBuffer.allocate(5 + 6 * 1024).put(FrameType.CLIENT_INFO)
                .putInt(Protocol.MAX_CLIENT_INFO_LENGTH).array();
        List<RawDerpClient> clients = new ArrayList<>();
        try {
            openRaw(connections, clients, client -> {
                client.upgrade();
                client.send(claim);
            });
            double held = relay.metric("waystation_receive_buffered_bytes{phase=\"handshake\"}");
            // What was claimed would be 250 x 256 KiB; what is held grows with what arrived (6 KiB each).
            assertThat(held).as("bytes held for handshakes").isLessThanOrEqualTo(HANDSHAKE_BUDGET_BYTES + 64 * 1024);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> relay.metric(
                    "waystation_receive_budget_exceeded_total{phase=\"handshake\"}") > exceeded);
        } finally {
            for (RawDerpClient client : clients) {
                client.close();
            }
        }
        Awaitility.await("handshake bytes released").atMost(Duration.ofSeconds(10))
                .until(() -> relay.metric("waystation_receive_buffered_bytes{phase=\"handshake\"}") == 0);
    }

    // ------------------------------------------------------------------ established receive budget

    /**
     * Admitted clients that each leave a large frame unfinished make the relay hold their bytes: past
     * the established budget, reading pauses (counted) instead of memory growing, and once the frames
     * are finished every paused connection reads again and delivers its frame.
     */
    @Test
    void partialFramesPastTheEstablishedBudgetPauseReadingUntilThereIsRoom() throws Exception {
        String exceeded = "waystation_receive_budget_exceeded_total{phase=\"established\"}";
        String held = "waystation_receive_buffered_bytes{phase=\"established\"}";
        double exceededBefore = relay.metric(exceeded);
        double unknownBefore = unknownDestinationDrops();
        int connections = 120;
        int payload = Protocol.KEY_LENGTH + 64_000;
        int sentFirst = 50_000;
        byte[] frame = ByteBuffer.allocate(Protocol.FRAME_HEADER_LENGTH + payload).put(FrameType.SEND_PACKET)
                .putInt(payload).put(NodePrivateKey.generate(RANDOM).publicKey().toBytes()).array();
        List<RawDerpClient> clients = new ArrayList<>();
        try {
            openRaw(connections, clients, RawDerpClient::handshake);
            for (RawDerpClient client : clients) {
                client.send(Arrays.copyOfRange(frame, 0, sentFirst));
            }
            // 120 x 50 kB held would be about 6 MiB: over the 4 MiB budget, so some connections pause.
            Awaitility.await("reading paused by the budget").atMost(Duration.ofSeconds(20))
                    .until(() -> relay.metric(exceeded) > exceededBefore);
            assertThat(relay.metric(held)).as("bytes held for admitted connections")
                    .isLessThan((double) connections * sentFirst);
            for (RawDerpClient client : clients) {
                client.send(Arrays.copyOfRange(frame, sentFirst, frame.length));
            }
            Awaitility.await("every frame delivered once the pressure ended").atMost(Duration.ofSeconds(20))
                    .until(() -> unknownDestinationDrops() >= unknownBefore + connections);
            Awaitility.await("nothing held").atMost(Duration.ofSeconds(10)).until(() -> relay.metric(held) == 0);
        } finally {
            for (RawDerpClient client : clients) {
                client.close();
            }
        }
    }

    /** What a test does with each raw client it opens. */
    private interface RawStep {
        void apply(RawDerpClient client) throws IOException;
    }

    /** Opens {@code count} raw clients into {@code clients} (the caller closes them all), applying {@code step} to each. */
    private void openRaw(int count, List<RawDerpClient> clients, RawStep step) throws IOException {
        for (int i = 0; i < count; i++) {
            RawDerpClient client = new RawDerpClient(relay.derpPort());
            clients.add(client);
            step.apply(client);
        }
    }

    private double unknownDestinationDrops() {
        double total = 0;
        for (String line : relay.metrics().split("\n")) {
            if (line.startsWith("derp_packets_dropped_total{") && line.contains("reason=\"unknown_dest\"")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    // ------------------------------------------------------------------ row 13: transport items

    @Test
    void controlCharacterInHostIsRefused() throws Exception {
        double bad = relay.metric("derp_protocol_errors_total{reason=\"bad_http_request\"}");
        try (Socket socket = new Socket("127.0.0.1", relay.derpPort())) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(Attacker.ascii("GET / HTTP/1.1\r\nHost: evil\rSet-Cookie: x=1\r\n\r\n"));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400 ").doesNotContain("Set-Cookie").doesNotContain("Location");
        }
        assertThat(relay.metric("derp_protocol_errors_total{reason=\"bad_http_request\"}")).isGreaterThan(bad);
    }

    @Test
    void headDrippedByteByByteIsParsed() throws Exception {
        String head = "GET /generate_204 HTTP/1.1\r\nHost: relay\r\nX-Padding: " + "p".repeat(8 * 1024) + "\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", relay.derpPort())) {
            socket.setSoTimeout(15_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            // Faster than the head timer: chunks of 16 bytes, each flushed on its own.
            byte[] bytes = Attacker.ascii(head);
            for (int i = 0; i < bytes.length; i += 16) {
                out.write(bytes, i, Math.min(16, bytes.length - i));
                out.flush();
            }
            byte[] answer = new byte[12];
            new DataInputStream(socket.getInputStream()).readFully(answer);
            assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 204");
        }
    }

    @Test
    void shortStunRequestIsNotAmplified() throws Exception {
        String dropped = "stun_dropped_total{reason=\"amplification\"}";
        double before = relay.metric(dropped);
        byte[] txid = new byte[12];
        RANDOM.nextBytes(txid);
        byte[] bare = ByteBuffer.allocate(20).putShort((short) 0x0001).putShort((short) 0)
                .putInt(0x2112A442).put(txid).array();
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(5000);
            socket.send(new DatagramPacket(bare, bare.length, InetAddress.getLoopbackAddress(), stunPort));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> relay.metric(dropped) > before);
            // A request as long as the answer is answered, with an answer no longer than itself.
            byte[] padded = ByteBuffer.allocate(32).putShort((short) 0x0001).putShort((short) 12)
                    .putInt(0x2112A442).put(txid).putShort((short) 0x8022).putShort((short) 8)
                    .put(Attacker.ascii("stunpad!")).array();
            socket.send(new DatagramPacket(padded, padded.length, InetAddress.getLoopbackAddress(), stunPort));
            DatagramPacket reply = new DatagramPacket(new byte[1500], 1500);
            socket.receive(reply);
            assertThat(reply.getLength()).isLessThanOrEqualTo(padded.length);
        }
    }

    // ------------------------------------------------------------------ the classes that held before

    @Test
    void oversizedAndEarlyFrames() throws Exception {
        String length = "derp_protocol_errors_total{reason=\"client_info_length\"}";
        String early = "derp_protocol_errors_total{reason=\"not_client_info\"}";
        String frame = "derp_protocol_errors_total{reason=\"frame_length\"}";
        double lengthBefore = relay.metric(length);
        double earlyBefore = relay.metric(early);
        double frameBefore = relay.metric(frame);
        for (int i = 0; i < 50; i++) {
            try (RawDerpClient client = new RawDerpClient(relay.derpPort())) {
                client.upgrade();
                client.send(ByteBuffer.allocate(5).put(FrameType.CLIENT_INFO).putInt(Integer.MAX_VALUE).array());
                assertThat(client.closedByServer()).isTrue();
            }
            try (RawDerpClient client = new RawDerpClient(relay.derpPort())) {
                client.upgrade();
                client.send(RawDerpClient.frame(FrameType.SEND_PACKET, new byte[40]));
                assertThat(client.closedByServer()).isTrue();
            }
        }
        try (RawDerpClient client = new RawDerpClient(relay.derpPort())) {
            client.handshake();
            client.send(ByteBuffer.allocate(5).put(FrameType.SEND_PACKET)
                    .putInt(Protocol.KEY_LENGTH + Protocol.MAX_PACKET_SIZE + 1).array());
            assertThat(client.closedByServer()).isTrue();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> relay.metric(length) >= lengthBefore + 50
                && relay.metric(early) >= earlyBefore + 50 && relay.metric(frame) > frameBefore);
    }

    @Test
    void unfinishedHandshakes() throws Exception {
        String timeouts = "derp_protocol_errors_total{reason=\"handshake_timeout\"}";
        double before = relay.metric(timeouts);
        int count = 500;
        List<Socket> sockets = Attacker.open(relay.derpPort(), count, RawDerpClient.UPGRADE_REQUEST);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> relay.metric(timeouts) >= before + count);
        } finally {
            Attacker.closeAll(sockets);
        }
    }

    @Test
    void derpPingFloodWithoutReading() throws Exception {
        double pings = relay.metric("derp_got_ping_total");
        double pongs = relay.metric("derp_sent_pong_total");
        try (SocketChannel channel = Attacker.nonReading(relay.derpPort())) {
            Socket socket = channel.socket();
            socket.setSoTimeout(15_000);
            channel.write(ByteBuffer.wrap(RawDerpClient.UPGRADE_REQUEST));
            NodeKey server = RawDerpClient.readUpgradeAnswer(new DataInputStream(socket.getInputStream()));
            NodePrivateKey me = NodePrivateKey.generate(RANDOM);
            channel.write(ByteBuffer.wrap(RawDerpClient.frame(FrameType.CLIENT_INFO,
                    RawDerpClient.sealedClientInfo(me, server))));
            byte[] ping = RawDerpClient.frame(FrameType.PING, new byte[8]);
            long sent = Attacker.writeUntilStalled(channel, ping, 32 * MIB);
            long flood = sent / ping.length;
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> relay.metric("derp_got_ping_total") >= pings + flood);
            // One pong pending at most: pings that arrive meanwhile are dropped, not queued.
            assertThat(relay.metric("derp_sent_pong_total") - pongs).isLessThan(flood);
        }
    }

    @Test
    void slowReaderIsDropped() throws Exception {
        double timeouts = relay.metric("derp_sclient_write_timeouts_total");
        try (RawDerpClient stuck = new RawDerpClient(relay.derpPort())) {
            NodePrivateKey me = stuck.handshake();
            GoCheck.Result flood = GoCheck.run("derpcheck", 120, "flood", relay.derpUrl(),
                    me.publicKey().toString(), "6");
            assertThat(flood.ok()).as("flood:\n%s", flood.output()).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> relay.metric("derp_sclient_write_timeouts_total") > timeouts);
        }
    }
}

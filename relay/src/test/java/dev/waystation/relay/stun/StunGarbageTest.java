package dev.waystation.relay.stun;

import static dev.waystation.relay.stun.StunPackets.HEX;
import static dev.waystation.relay.stun.StunPackets.tailscaleRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Fuzz-style: random noise, every truncation of a real request, attribute and header lengths that
 * lie, corrupted bytes and other message types are thrown at both sockets. None gets a reply, each
 * is counted under the reason derper's rules give it, and a Tailscale client is still answered.
 */
@QuarkusTest
class StunGarbageTest {

    private static final long SEED = 0x5354554EL;
    private static final int NOISE_DATAGRAMS = 400;
    private static final int LYING_DATAGRAMS = 200;
    private static final int CORRUPTED_DATAGRAMS = 200;
    /** Sent before waiting for the server to count them, so the socket's receive queue never overflows. */
    private static final int BATCH = 25;

    @Inject
    StunServer server;

    @Inject
    MeterRegistry registry;

    private record Junk(byte[] datagram, Verdict expected) {
    }

    @Test
    void garbageIsDroppedSilentlyCountedByReasonAndTailscaleIsStillAnswered() throws Exception {
        server.setAnswerAllClients(false);
        Random random = new Random(SEED);
        List<Junk> junk = generate(random);
        Map<Verdict, Integer> expected = new EnumMap<>(Verdict.class);
        junk.forEach(j -> expected.merge(j.expected(), 1, Integer::sum));
        assertThat(expected).doesNotContainKey(Verdict.ANSWER);

        StunCounters counters = new StunCounters(registry);
        Map<Verdict, Double> before = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            if (v != Verdict.ANSWER) {
                before.put(v, counters.dropped(v));
            }
        }
        double notStunBefore = counters.requests("not_stun");
        double droppedBefore = counters.droppedTotal();
        double successBefore = counters.requests("success");

        int sent = 0;
        for (InetSocketAddress target : server.boundAddresses()) {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(target.getAddress(), 0))) {
                for (int i = 0; i < junk.size(); i++) {
                    byte[] datagram = junk.get(i).datagram();
                    socket.send(new DatagramPacket(datagram, datagram.length, target));
                    sent++;
                    if ((i + 1) % BATCH == 0 || i == junk.size() - 1) {
                        long expectedCount = sent;
                        await().atMost(Duration.ofSeconds(30)).until(() -> counters.droppedTotal() - droppedBefore >= expectedCount);
                    }
                }
                socket.setSoTimeout(500);
                byte[] reply = new byte[2048];
                assertThatThrownBy(() -> socket.receive(new DatagramPacket(reply, reply.length)))
                        .as("no datagram of the garbage gets a reply").isInstanceOf(SocketTimeoutException.class);
            }

            CommandResult probe = StunProbe.run(target, 1, Duration.ofSeconds(5));
            assertThat(probe.exitCode()).as(probe.toString()).isZero();
            assertThat(StunProbe.answers(probe)).singleElement()
                    .satisfies(answer -> assertThat(answer.mapped()).isEqualTo(answer.local()));
        }

        int families = server.boundAddresses().size();
        for (Map.Entry<Verdict, Double> entry : before.entrySet()) {
            assertThat(counters.dropped(entry.getKey()) - entry.getValue()).as("dropped{reason=%s}", entry.getKey().reason)
                    .isEqualTo((double) expected.getOrDefault(entry.getKey(), 0) * families);
        }
        assertThat(counters.droppedTotal() - droppedBefore).isEqualTo((double) sent);
        assertThat(counters.requests("not_stun") - notStunBefore).isEqualTo((double) sent);
        assertThat(counters.requests("success") - successBefore).isEqualTo((double) families);
    }

    private static List<Junk> generate(Random random) {
        List<Junk> junk = new ArrayList<>();
        // Noise that cannot carry the magic cookie.
        for (int i = 0; i < NOISE_DATAGRAMS; i++) {
            byte[] noise = new byte[random.nextInt(120)];
            random.nextBytes(noise);
            if (noise.length >= 8 && ByteBuffer.wrap(noise).getInt(4) == 0x2112A442) {
                noise[4] ^= 1;
            }
            junk.add(new Junk(noise, Verdict.NOT_STUN));
        }
        // Every truncation of a genuine Tailscale request (derper walks the bytes, not the header length).
        byte[] genuine = tailscaleRequest(txid(random));
        for (int length = 0; length < genuine.length; length++) {
            junk.add(new Junk(Arrays.copyOf(genuine, length), truncationVerdict(length)));
        }
        // Valid headers whose attribute or header lengths lie about what follows.
        for (int i = 0; i < LYING_DATAGRAMS; i++) {
            byte[] lying = tailscaleRequest(txid(random));
            ByteBuffer b = ByteBuffer.wrap(lying);
            if (i % 2 == 0) {
                b.putShort(22, (short) (9 + random.nextInt(65_000))); // SOFTWARE runs past the datagram
                junk.add(new Junk(lying, Verdict.MALFORMED));
            } else {
                b.putShort(2, (short) (24 + 4 * random.nextInt(1000))); // header length lies, fingerprint now wrong
                junk.add(new Junk(lying, Verdict.BAD_FINGERPRINT));
            }
        }
        // One flipped bit: in the transaction id (fingerprint fails) or in "tailnode" (not Tailscale).
        for (int i = 0; i < CORRUPTED_DATAGRAMS; i++) {
            byte[] corrupted = tailscaleRequest(txid(random));
            boolean inSoftware = random.nextBoolean();
            int index = inSoftware ? 24 + random.nextInt(8) : 8 + random.nextInt(12);
            corrupted[index] ^= (byte) (1 << random.nextInt(8));
            junk.add(new Junk(corrupted, inSoftware ? Verdict.NOT_TAILSCALE : Verdict.BAD_FINGERPRINT));
        }
        // Other message types and a generic client while only Tailscale is answered.
        junk.add(new Junk(HEX.parseHex("0101000c2112a442000102030405060708090a0b002000080001f523e112a643"), Verdict.WRONG_TYPE));
        byte[] indication = tailscaleRequest(txid(random));
        indication[1] = 0x11;
        junk.add(new Junk(indication, Verdict.WRONG_TYPE));
        junk.add(new Junk(StunPackets.plainRequest(txid(random)), Verdict.NOT_TAILSCALE));
        junk.add(new Junk(new byte[BindingRequests.MAX_REQUEST_LENGTH + 100], Verdict.NOT_STUN));
        return junk;
    }

    /** What derper's parser makes of the first {@code length} bytes of a 40-byte Tailscale request. */
    private static Verdict truncationVerdict(int length) {
        if (length < 20) {
            return Verdict.NOT_STUN;
        }
        if (length == 20) {
            return Verdict.NOT_TAILSCALE; // header only: no SOFTWARE
        }
        if (length < 32) {
            return Verdict.MALFORMED; // SOFTWARE attribute cut
        }
        if (length == 32) {
            return Verdict.BAD_FINGERPRINT; // SOFTWARE complete, no FINGERPRINT
        }
        return Verdict.MALFORMED; // FINGERPRINT cut
    }

    private static byte[] txid(Random random) {
        byte[] txid = new byte[12];
        random.nextBytes(txid);
        return txid;
    }
}

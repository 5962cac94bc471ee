package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.waystation.testing.RelayProcess;

/**
 * A burst bigger than a receiver's queue (32 packets), sent in one write to a receiver on the same
 * event loop, arrives whole and in order: the queue is written out on the sender's stack as it fills,
 * instead of dropping the oldest until the loop's drain task runs after the pass.
 */
class SameLoopBurstIT {

    private static final int BURST = 200;
    private static final int PAYLOAD = 64;

    @Test
    void aBurstBeyondTheQueueReachesAReceiverOnTheSameLoop() throws Exception {
        try (RelayProcess relay = RelayProcess.start(Map.of("waystation.relay.event-loops", "1"));
                RawDerpClient receiver = new RawDerpClient(relay.derpPort());
                RawDerpClient sender = new RawDerpClient(relay.derpPort())) {
            NodePrivateKey to = receiver.handshake();
            sender.handshake();
            ByteBuffer burst = ByteBuffer.allocate(BURST * (Protocol.FRAME_HEADER_LENGTH + Protocol.KEY_LENGTH + PAYLOAD));
            for (int i = 0; i < BURST; i++) {
                byte[] payload = ByteBuffer.allocate(Protocol.KEY_LENGTH + PAYLOAD)
                        .put(to.publicKey().toBytes()).putInt(i).array();
                burst.put(RawDerpClient.frame(FrameType.SEND_PACKET, payload));
            }
            sender.send(burst.array());

            for (int i = 0; i < BURST; i++) {
                RawDerpClient.Frame frame = receiver.readUntil(FrameType.RECV_PACKET);
                // RecvPacket: the source key, then the packet, which starts with its index
                assertThat(ByteBuffer.wrap(frame.payload(), Protocol.KEY_LENGTH, 4).getInt()).as("packet").isEqualTo(i);
            }
            assertThat(relay.metric("derp_packets_dropped_total{kind=\"other\",reason=\"queue_head\"}")).isZero();
        }
    }
}

package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** The per-destination queue: FIFO ranges of shared buffers, head drop when full, every reference accounted for. */
class PacketQueueTest {

    private static final NodeKey SOURCE = new NodeKey(1, 2, 3, 4);

    /** One received buffer holding packets "p0", "p1", ... of 2 bytes each. */
    private static ByteBuf received(int packets) {
        ByteBuf buffer = Unpooled.directBuffer();
        for (int i = 0; i < packets; i++) {
            buffer.writeByte('p').writeByte('0' + i);
        }
        return buffer;
    }

    /** A queue of {@code capacity} holding the first {@code packets} packets of {@code buffer}, enqueued at time 0. */
    private static PacketQueue queued(ByteBuf buffer, int capacity, int packets) {
        PacketQueue queue = new PacketQueue(capacity);
        for (int i = 0; i < packets; i++) {
            queue.offer(SOURCE, buffer.retain(), 2 * i, 2, 0);
        }
        return queue;
    }

    private static final class Recorder implements PacketQueue.Consumer {
        final List<String> packets = new ArrayList<>();
        final List<Integer> expected = new ArrayList<>();

        @Override
        public void expect(int packets, int bytes) {
            expected.add(packets);
            expected.add(bytes);
        }

        @Override
        public void accept(NodeKey source, ByteBuf buffer, int offset, int length, long enqueuedAtNanos) {
            packets.add(buffer.toString(offset, length, java.nio.charset.StandardCharsets.US_ASCII) + "@" + enqueuedAtNanos);
            buffer.release();
        }
    }

    @Test
    void drainsRangesInOrderAndAnnouncesTheBatch() {
        ByteBuf buffer = received(3);
        PacketQueue queue = new PacketQueue(4);
        for (int i = 0; i < 3; i++) {
            assertThat(queue.offer(SOURCE, buffer.retain(), 2 * i, 2, 10 + i)).isEqualTo(PacketQueue.QUEUED);
        }
        buffer.release();
        Recorder recorder = new Recorder();
        assertThat(queue.drain(2, recorder)).isEqualTo(2);
        assertThat(queue.drain(64, recorder)).isEqualTo(1);
        assertThat(queue.drain(64, recorder)).isZero();
        assertThat(recorder.packets).containsExactly("p0@10", "p1@11", "p2@12");
        assertThat(recorder.expected).containsExactly(2, 4, 1, 2);
        assertThat(buffer.refCnt()).isZero();
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void fullQueueDropsAndReleasesTheOldest() {
        ByteBuf buffer = received(3);
        PacketQueue queue = queued(buffer, 2, 2);
        assertThat(queue.offer(SOURCE, buffer.retain(), 4, 1, 0)).as("length of the dropped oldest").isEqualTo(2);
        assertThat(buffer.refCnt()).isEqualTo(3);
        Recorder recorder = new Recorder();
        queue.drain(64, recorder);
        assertThat(recorder.packets).containsExactly("p1@0", "p@0");
        assertThat(buffer.release()).isTrue();
    }

    @Test
    void closedQueueRefusesAndReleases() {
        ByteBuf buffer = received(2);
        PacketQueue queue = queued(buffer, 4, 1);
        Recorder gone = new Recorder();
        queue.close(gone);
        assertThat(gone.packets).containsExactly("p0@0");
        assertThat(queue.offer(SOURCE, buffer.retain(), 2, 2, 0)).isEqualTo(PacketQueue.CLOSED);
        assertThat(buffer.release()).isTrue();
    }

    @Test
    void consumerFailureReleasesWhatWasNotHandedOn() {
        ByteBuf buffer = received(3);
        PacketQueue queue = queued(buffer, 4, 3);
        buffer.release();
        PacketQueue.Consumer failing = (source, packet, offset, length, at) -> {
            packet.release();
            throw new OutOfMemoryError("test");
        };
        assertThatThrownBy(() -> queue.drain(64, failing)).isInstanceOf(OutOfMemoryError.class);
        assertThat(buffer.refCnt()).isZero();
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void drainReenteredFromTheConsumerKeepsBothBatches() {
        ByteBuf buffer = received(4);
        PacketQueue queue = queued(buffer, 4, 2);
        Recorder inner = new Recorder();
        List<String> outer = new ArrayList<>();
        PacketQueue.Consumer closing = (source, packet, offset, length, at) -> {
            outer.add(packet.toString(offset, length, java.nio.charset.StandardCharsets.US_ASCII));
            packet.release();
            if (outer.size() == 1) {
                queue.offer(SOURCE, buffer.retain(), 4, 2, 0);
                queue.close(inner); // as a connection closing while it writes
            }
        };
        assertThat(queue.drain(1, closing)).isEqualTo(1);
        assertThat(outer).containsExactly("p0");
        assertThat(inner.packets).containsExactly("p1@0", "p2@0");
        assertThat(buffer.release()).isTrue();
    }
}

package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;

/** RecvPacket coalescing: frames in order, back to back, in buffers no larger than the bound unless one frame is. */
class RecvPacketBatchTest {

    private static final NodeKey SOURCE = new NodeKey(5, 6, 7, 8);

    /** Keeps what is written, as the socket would send it. */
    private static final class Written implements DerpTransport {
        final List<ByteBuf> buffers = new ArrayList<>();
        final ByteBufAllocator alloc = new PooledByteBufAllocator(true);

        @Override
        public void write(ByteBuf bytes) {
            buffers.add(bytes);
        }

        @Override
        public ByteBufAllocator alloc() {
            return alloc;
        }

        ByteBuf stream() {
            ByteBuf all = Unpooled.buffer();
            buffers.forEach(b -> {
                all.writeBytes(b);
                b.release();
            });
            buffers.clear();
            return all;
        }

        // not used by the batch
        @Override
        public EventLoop eventLoop() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void onWritable(Runnable callback) {
        }

        @Override
        public void start(Inbound inbound) {
        }

        @Override
        public void setReading(boolean reading) {
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return null;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static ByteBuf packet(int length, int fill) {
        ByteBuf packet = Unpooled.buffer(length + 2).writeByte(0xEE);
        for (int i = 0; i < length; i++) {
            packet.writeByte(fill + i);
        }
        return packet.writeByte(0xEE);
    }

    private static void assertFrame(ByteBuf stream, ByteBuf packet, int length) {
        assertThat(stream.readByte()).isEqualTo(FrameType.RECV_PACKET);
        assertThat(stream.readInt()).isEqualTo(Protocol.KEY_LENGTH + length);
        assertThat(NodeKey.fromBuffer(stream, stream.readerIndex())).isEqualTo(SOURCE);
        stream.skipBytes(Protocol.KEY_LENGTH);
        assertThat(stream.readSlice(length)).isEqualTo(packet.slice(1, length));
    }

    @Test
    void manyFramesShareBuffersOfAtMostTheBound() {
        Written transport = new Written();
        RecvPacketBatch batch = new RecvPacketBatch(transport);
        int packets = 60;
        int length = 1400;
        List<ByteBuf> sent = new ArrayList<>();
        batch.expect(packets, packets * length);
        for (int i = 0; i < packets; i++) {
            ByteBuf p = packet(length, i);
            sent.add(p);
            batch.append(SOURCE, p, 1, length);
        }
        batch.finish();
        int frame = Frames.RECV_PACKET_HEADER_LENGTH + length;
        int perBuffer = RecvPacketBatch.MAX_BUFFER_BYTES / frame;
        assertThat(transport.buffers).hasSize((packets + perBuffer - 1) / perBuffer);
        assertThat(transport.buffers).allSatisfy(b -> assertThat(b.capacity()).isLessThanOrEqualTo(RecvPacketBatch.MAX_BUFFER_BYTES));
        ByteBuf stream = transport.stream();
        for (ByteBuf p : sent) {
            assertFrame(stream, p, length);
        }
        assertThat(stream.isReadable()).isFalse();
    }

    @Test
    void aSmallBatchGetsASmallBufferAndALargePacketItsOwn() {
        Written transport = new Written();
        RecvPacketBatch batch = new RecvPacketBatch(transport);
        ByteBuf small = packet(3, 1);
        ByteBuf large = packet(Protocol.MAX_PACKET_SIZE, 2);
        batch.expect(2, 3 + Protocol.MAX_PACKET_SIZE);
        batch.append(SOURCE, small, 1, 3);
        batch.append(SOURCE, large, 1, Protocol.MAX_PACKET_SIZE);
        batch.finish();
        assertThat(transport.buffers).hasSize(2);
        assertThat(transport.buffers.get(1).readableBytes())
                .isEqualTo(Frames.RECV_PACKET_HEADER_LENGTH + Protocol.MAX_PACKET_SIZE);
        ByteBuf stream = transport.stream();
        assertFrame(stream, small, 3);
        assertFrame(stream, large, Protocol.MAX_PACKET_SIZE);

        batch.expect(1, 3);
        batch.append(SOURCE, small, 1, 3);
        batch.finish();
        assertThat(transport.buffers).hasSize(1);
        assertThat(transport.buffers.get(0).capacity()).isEqualTo(Frames.RECV_PACKET_HEADER_LENGTH + 3);
        transport.stream().release();
    }

    @Test
    void releaseDropsWhatWasNotHandedOn() {
        Written transport = new Written();
        RecvPacketBatch batch = new RecvPacketBatch(transport);
        batch.expect(1, 3);
        batch.append(SOURCE, packet(3, 1), 1, 3);
        batch.release();
        batch.finish();
        assertThat(transport.buffers).isEmpty();
    }
}

package dev.waystation.relay.derp;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import dev.waystation.relay.metrics.DerpMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The DERP frame path a relayed packet takes, in the relay's own classes: parse (FrameReader over
 * one read holding {@value #FRAMES_PER_READ} SendPacket frames), route (a key looked up straight from
 * the frame among {@code clients} connected keys), enqueue (a reference of the received buffer into
 * the destination's PacketQueue) and drain (RecvPacket frame copied into a coalescing buffer, the
 * received buffer released). Times are per
 * packet. Not a test and not run by {@code verify}: the command is in BENCHMARKS.md ("DERP frame path").
 * Run with {@code -prof gc} to see allocation per packet (the path is meant to allocate nothing).
 */
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DerpFramePathBenchmarks {

    static final int FRAMES_PER_READ = 16;
    static final int PACKET_SIZE = 1200;
    static final int QUEUE_DEPTH = 32;

    @State(Scope.Thread)
    public static class Path implements FrameReader.Sink {
        @Param({"10000"})
        public int clients;

        final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        final KeyProbe probe = new KeyProbe();
        final PacketQueue queue = new PacketQueue(QUEUE_DEPTH);
        final NodeKey source = key(new SplittableRandom(1));
        ClientRegistry registry;
        FrameReader reader;
        /** One read's bytes: FRAMES_PER_READ SendPacket frames, to keys spread over the registry. */
        byte[] read;
        /** A registered key's 32 bytes, as a frame carries it. */
        ByteBuf routeKey;
        long delivered;
        Blackhole sink;

        /** Stands for RecvPacketBatch's buffer: reused, so the benchmark measures the copy, not the pool. */
        final ByteBuf out = alloc.directBuffer(RecvPacketBatch.MAX_BUFFER_BYTES);

        private final PacketQueue.Consumer writer = (from, packet, offset, length, at) -> {
            if (out.writableBytes() < Frames.RECV_PACKET_HEADER_LENGTH + length) {
                sink.consume(out.getByte(0));
                out.clear();
            }
            Frames.writeRecvPacket(out, from, packet, offset, length);
            packet.release();
        };

        @Setup
        public void setUp(Blackhole blackhole) {
            sink = blackhole;
            registry = new ClientRegistry(new DerpMetrics(new SimpleMeterRegistry()));
            SplittableRandom random = new SplittableRandom(2);
            NodeKey[] keys = new NodeKey[clients];
            PacketForwarder forwarder = (from, to, packet) -> packet.release();
            for (int i = 0; i < clients; i++) {
                keys[i] = key(random);
                // Forwarders live in the same kind of map as local clients and are looked up the same way.
                registry.addPacketForwarder(keys[i], forwarder);
            }
            ByteBuf frames = alloc.heapBuffer();
            byte[] payload = new byte[PACKET_SIZE];
            random.nextBytes(payload);
            for (int i = 0; i < FRAMES_PER_READ; i++) {
                frames.writeByte(FrameType.SEND_PACKET).writeInt(Protocol.KEY_LENGTH + PACKET_SIZE);
                keys[random.nextInt(clients)].writeTo(frames);
                frames.writeBytes(payload);
            }
            routeKey = io.netty.buffer.Unpooled.buffer(Protocol.KEY_LENGTH);
            keys[random.nextInt(clients)].writeTo(routeKey);
            read = new byte[frames.readableBytes()];
            frames.readBytes(read);
            frames.release();
            reader = new FrameReader(alloc, this);
        }

        @TearDown
        public void tearDown() {
            reader.release();
            queue.close((from, packet, offset, length, at) -> packet.release());
            out.release();
        }

        static NodeKey key(SplittableRandom random) {
            return new NodeKey(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
        }

        /** A received read, as the socket hands it over: a pooled direct buffer. */
        ByteBuf receive() {
            return alloc.directBuffer(read.length).writeBytes(read);
        }

        @Override
        public FrameReader.Disposition onHeader(byte type, long length) {
            return FrameReader.Disposition.DELIVER;
        }

        /** What DerpConnection does with a SendPacket: classify, look up, queue a reference of the read. */
        @Override
        public void onFrame(byte type, ByteBuf buffer, int offset, int length) {
            int packetStart = offset + Protocol.KEY_LENGTH;
            int packetLength = length - Protocol.KEY_LENGTH;
            boolean disco = Frames.isDisco(buffer, packetStart, packetLength);
            probe.set(buffer, offset);
            if (registry.lookup(probe) == null && registry.forwarder(probe) != null && !disco) {
                queue.offer(source, buffer.retain(), packetStart, packetLength, 0L);
                delivered++;
            }
        }
    }

    /** Parse only: frames split out of one read, nothing retained. */
    @State(Scope.Thread)
    public static class ParseOnly implements FrameReader.Sink {
        final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        FrameReader reader;
        byte[] read;
        long frames;

        @Setup
        public void setUp(Path path) {
            read = path.read;
            reader = new FrameReader(alloc, this);
        }

        @Override
        public FrameReader.Disposition onHeader(byte type, long length) {
            return FrameReader.Disposition.DELIVER;
        }

        @Override
        public void onFrame(byte type, ByteBuf buffer, int offset, int length) {
            frames += buffer.getByte(offset);
        }
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_READ)
    public long parse(ParseOnly state) throws ProtocolViolationException {
        state.reader.feed(state.alloc.directBuffer(state.read.length).writeBytes(state.read));
        return state.frames;
    }

    /** The lookups of a packet to a key connected elsewhere: local clients (a miss), then forwarders (a hit). */
    @Benchmark
    public Object route(Path path) {
        KeyProbe probe = path.probe.set(path.routeKey, 0);
        return path.registry.lookup(probe) == null ? path.registry.forwarder(probe) : null;
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_READ)
    public int enqueueAndDrain(Path path) {
        ByteBuf received = path.receive();
        int n = 0;
        for (int i = 0; i < FRAMES_PER_READ; i++) {
            int packetStart = i * (Protocol.FRAME_HEADER_LENGTH + Protocol.KEY_LENGTH + PACKET_SIZE)
                    + Protocol.FRAME_HEADER_LENGTH + Protocol.KEY_LENGTH;
            path.queue.offer(path.source, received.retain(), packetStart, PACKET_SIZE, 0L);
            n += path.queue.drain(QUEUE_DEPTH, path.writer);
        }
        received.release();
        return n;
    }

    /** The whole path for one read: parse, route, enqueue, then the destination's drain. */
    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_READ)
    public int parseRouteEnqueueDrain(Path path) throws ProtocolViolationException {
        path.reader.feed(path.receive());
        return path.queue.drain(QUEUE_DEPTH, path.writer);
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(DerpFramePathBenchmarks.class.getSimpleName()).build()).run();
    }
}

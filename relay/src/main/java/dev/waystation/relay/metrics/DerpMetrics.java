package dev.waystation.relay.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The DERP server's metrics under derper's names (the names derper exports as expvars, so derper dashboards carry over), with Prometheus conventions on
 * top: counters get {@code _total}. Hot-path counters are {@link LongAdder}s read by Micrometer
 * function counters, so counting a packet costs one uncontended add.
 */
@Singleton
public class DerpMetrics {

    /** Label values of {@code kind}: disco packets and everything else. */
    public static final String KIND_DISCO = "disco";
    public static final String KIND_OTHER = "other";
    private static final double MILLIS_PER_SECOND = 1000.0;

    public final LongAdder accepts = new LongAdder();
    public final LongAdder bytesReceived = new LongAdder();
    public final LongAdder bytesSent = new LongAdder();
    public final LongAdder packetsReceived = new LongAdder();
    public final LongAdder packetsSent = new LongAdder();
    public final LongAdder packetsReceivedDisco = new LongAdder();
    public final LongAdder packetsReceivedOther = new LongAdder();
    public final LongAdder homeMovesIn = new LongAdder();
    public final LongAdder homeMovesOut = new LongAdder();
    public final LongAdder gotPing = new LongAdder();
    public final LongAdder sentPong = new LongAdder();
    public final LongAdder peerGoneDisconnectedFrames = new LongAdder();
    public final LongAdder peerGoneNotHereFrames = new LongAdder();
    public final LongAdder packetsForwardedOut = new LongAdder();
    public final LongAdder packetsForwardedIn = new LongAdder();
    public final LongAdder writeTimeouts = new LongAdder();
    public final LongAdder unknownFrames = new LongAdder();
    public final LongAdder totalDupClientConns = new LongAdder();
    public final LongAdder restartingFrames = new LongAdder();
    public final LongAdder webSocketAccepts = new LongAdder();

    public final AtomicLong currentConnections = new AtomicLong();
    public final AtomicLong currentHomeConnections = new AtomicLong();
    public final AtomicLong currentNotIdealConnections = new AtomicLong();
    public final AtomicLong clientsLocal = new AtomicLong();
    public final AtomicLong clientsRemote = new AtomicLong();
    public final AtomicLong currentDupClientKeys = new AtomicLong();
    public final AtomicLong currentDupClientConns = new AtomicLong();
    public final AtomicLong watchers = new AtomicLong();

    private final Map<DropReason, LongAdder> droppedDisco = new EnumMap<>(DropReason.class);
    private final Map<DropReason, LongAdder> droppedOther = new EnumMap<>(DropReason.class);
    private final Map<DropReason, LongAdder> bytesDroppedDisco = new EnumMap<>(DropReason.class);
    private final Map<DropReason, LongAdder> bytesDroppedOther = new EnumMap<>(DropReason.class);
    private final Map<ProtocolError, LongAdder> protocolErrors = new EnumMap<>(ProtocolError.class);

    /** EWMA (alpha 0.1) of the time packets spend queued, in milliseconds, as derper computes it. */
    private volatile double averageQueueDurationMillis;

    private final DistributionSummary bufferedWriteFrames;
    private final DistributionSummary meshUpdateBatchSize;
    private final DistributionSummary meshUpdateLoopCount;

    public DerpMetrics(MeterRegistry registry) {
        counter(registry, "derp.accepts", "connections handed to the DERP server (before the handshake)", accepts);
        counter(registry, "derp.bytes.received", "SendPacket payload bytes received", bytesReceived);
        counter(registry, "derp.bytes.sent", "RecvPacket payload bytes written", bytesSent);
        counter(registry, "derp.packets.received", "SendPacket frames received", packetsReceived);
        counter(registry, "derp.packets.sent", "RecvPacket frames written", packetsSent);
        FunctionCounter.builder("derp.packets.received.kind", packetsReceivedDisco, LongAdder::sum)
                .description("SendPacket frames received by kind").tag("kind", KIND_DISCO).register(registry);
        FunctionCounter.builder("derp.packets.received.kind", packetsReceivedOther, LongAdder::sum)
                .description("SendPacket frames received by kind").tag("kind", KIND_OTHER).register(registry);
        counter(registry, "derp.home.moves.in", "NotePreferred(true) more than 5 s after connecting", homeMovesIn);
        counter(registry, "derp.home.moves.out", "NotePreferred(false) more than 5 s after connecting", homeMovesOut);
        counter(registry, "derp.got.ping", "Ping frames received", gotPing);
        counter(registry, "derp.sent.pong", "Pong frames written", sentPong);
        counter(registry, "derp.peer.gone.disconnected.frames", "PeerGone(disconnected) frames written",
                peerGoneDisconnectedFrames);
        counter(registry, "derp.peer.gone.not.here.frames", "PeerGone(not here) frames written",
                peerGoneNotHereFrames);
        counter(registry, "derp.packets.forwarded.out", "packets sent to a mesh peer", packetsForwardedOut);
        counter(registry, "derp.packets.forwarded.in", "ForwardPacket frames received", packetsForwardedIn);
        counter(registry, "derp.sclient.write.timeouts", "connections closed by the write deadline", writeTimeouts);
        counter(registry, "derp.unknown.frames", "frames of unknown type skipped", unknownFrames);
        counter(registry, "derp.total.dup.client.conns", "connections accepted while their key was already connected",
                totalDupClientConns);
        counter(registry, "derp.restarting.frames", "Restarting frames sent on graceful shutdown", restartingFrames);
        counter(registry, "derp.websocket.accepts", "DERP connections over WebSocket", webSocketAccepts);

        gauge(registry, "derp.current.connections", "admitted DERP connections open", currentConnections);
        gauge(registry, "derp.current.home.connections", "connections whose client said this is its home",
                currentHomeConnections);
        gauge(registry, "derp.current.notideal.connections", "connections with an Ideal-Node header",
                currentNotIdealConnections);
        gauge(registry, "derp.clients.local", "distinct keys connected locally", clientsLocal);
        gauge(registry, "derp.clients.remote", "distinct keys reachable only through mesh peers", clientsRemote);
        // derper's derp_clients_total is a gauge; Prometheus reserves _total for counters (promtool rejects it).
        Gauge.builder("derp.clients", this, m -> m.clientsLocal.get() + m.clientsRemote.get())
                .description("distinct keys known in the region").register(registry);
        gauge(registry, "derp.current.dup.client.keys", "keys with two or more connections", currentDupClientKeys);
        gauge(registry, "derp.current.dup.client.conns", "connections of such keys", currentDupClientConns);
        gauge(registry, "derp.watchers", "mesh watchers subscribed", watchers);
        // derper's _ms gauge in Prometheus' base unit: promtool rejects abbreviated and non-base units.
        Gauge.builder("derp.average.queue.duration", this, m -> m.averageQueueDurationMillis / MILLIS_PER_SECOND)
                .baseUnit("seconds")
                .description("moving average of the time packets wait in a destination queue")
                .register(registry);

        for (DropReason reason : DropReason.values()) {
            droppedDisco.put(reason, dropCounter(registry, "derp.packets.dropped", "packets dropped", reason,
                    KIND_DISCO));
            droppedOther.put(reason, dropCounter(registry, "derp.packets.dropped", "packets dropped", reason,
                    KIND_OTHER));
            bytesDroppedDisco.put(reason, dropCounter(registry, "derp.bytes.dropped", "payload bytes dropped", reason,
                    KIND_DISCO));
            bytesDroppedOther.put(reason, dropCounter(registry, "derp.bytes.dropped", "payload bytes dropped", reason,
                    KIND_OTHER));
        }
        for (ProtocolError error : ProtocolError.values()) {
            LongAdder adder = new LongAdder();
            protocolErrors.put(error, adder);
            FunctionCounter.builder("derp.protocol.errors", adder, LongAdder::sum)
                    .description("connections closed for breaking the protocol (Waystation only)")
                    .tag("reason", error.label()).register(registry);
        }
        bufferedWriteFrames = DistributionSummary.builder("derp.buffered.write.frames")
                .description("frames written per flush")
                .serviceLevelObjectives(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25, 50, 100)
                .register(registry);
        // derper's names and buckets, less its le="0" (Micrometer takes positive bounds only; neither is ever 0 here).
        meshUpdateBatchSize = DistributionSummary.builder("derp.mesh.update.batch.size")
                .description("PeerPresent/PeerGone updates written to a mesh watcher in one batch")
                .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
                .register(registry);
        meshUpdateLoopCount = DistributionSummary.builder("derp.mesh.update.loop.count")
                .description("batches of updates a mesh watcher's writer took before its queue was empty")
                .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100)
                .register(registry);
    }

    /**
     * A mesh watcher's writer wrote {@code updates} peer-state frames. It takes every queued update at
     * once, so each wake-up is one batch: the loop count is always 1 (derper loops while its list refills).
     */
    public void meshUpdatesWritten(int updates) {
        meshUpdateBatchSize.record(updates);
        meshUpdateLoopCount.record(1);
    }

    public void dropped(DropReason reason, boolean disco, int payloadBytes) {
        (disco ? droppedDisco : droppedOther).get(reason).increment();
        (disco ? bytesDroppedDisco : bytesDroppedOther).get(reason).add(payloadBytes);
    }

    public void protocolError(ProtocolError error) {
        protocolErrors.get(error).increment();
    }

    public long protocolErrors(ProtocolError error) {
        return protocolErrors.get(error).sum();
    }

    public long dropped(DropReason reason, boolean disco) {
        return (disco ? droppedDisco : droppedOther).get(reason).sum();
    }

    public void flushed(int frames) {
        bufferedWriteFrames.record(frames);
    }

    /** Feeds one queue latency sample into the moving average (racy updates lose samples, never corrupt). */
    public void queueDuration(long nanos) {
        double millis = nanos / 1_000_000.0;
        averageQueueDurationMillis = 0.9 * averageQueueDurationMillis + 0.1 * millis;
    }

    private static void counter(MeterRegistry registry, String name, String description, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).register(registry);
    }

    private static void gauge(MeterRegistry registry, String name, String description, AtomicLong value) {
        Gauge.builder(name, value, AtomicLong::get).description(description).register(registry);
    }

    private static LongAdder dropCounter(MeterRegistry registry, String name, String description, DropReason reason,
            String kind) {
        LongAdder adder = new LongAdder();
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description)
                .tag("reason", reason.label()).tag("kind", kind).register(registry);
        return adder;
    }
}

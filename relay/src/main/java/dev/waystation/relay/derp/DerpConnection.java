package dev.waystation.relay.derp;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import dev.waystation.relay.metrics.DerpMetrics;
import dev.waystation.relay.metrics.DropReason;
import dev.waystation.relay.metrics.ProtocolError;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One client's DERP connection (derper's {@code sclient}): handshake, the reader dispatching the
 * client's frames, and the writer draining the packets other connections queue for it. Everything
 * but {@link #enqueue}, {@link #sendControl} and {@link #peerGoneFromRegion} runs on the transport's
 * event loop; those three are called from any sender's event loop and only queue work.
 */
final class DerpConnection implements DerpTransport.Inbound, FrameReader.Sink {

    private static final Logger LOG = Logger.getLogger(DerpConnection.class);

    /** NotePreferred transitions this soon after connecting are the initial announcement, not a home move. */
    private static final long HOME_MOVE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** PeerGone(NotHere) limiter: one per second, burst three, per sender connection. */
    private static final double NOT_HERE_BURST = 3;
    private static final long NOT_HERE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Packets per queue per drain round, so one busy destination does not starve the others on its loop. */
    private static final int DRAIN_BATCH = 64;
    private static final int MAX_DRAIN_ROUNDS = 4;
    /** How often a connection paused by the receive budget looks for room again. */
    private static final long BUDGET_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** Why reading is paused: each reason is set and cleared on its own; reading runs when none is set. */
    private static final int PAUSED_FOR_ADMISSION = 1;
    private static final int PAUSED_BY_THROTTLE = 2;
    private static final int PAUSED_BY_BUDGET = 4;
    private static final int PAUSED_FOR_SHUTDOWN = 8;

    private enum State {
        HANDSHAKE, ADMITTING, ACTIVE, CLOSED
    }

    private final DerpServer server;
    private final DerpTransport transport;
    private final EventLoop loop;
    /** The upgrade request; dropped once admitted, so an idle connection does not keep its headers. */
    private HttpRequestHead request;
    private final InetSocketAddress remoteAddress;
    private final FrameReader reader;
    private final ReceiveBudget.Account budget;
    private final DerpMetrics metrics;
    private final ClientRegistry registry;
    private final KeyProbe probe = new KeyProbe();
    private final PacketQueue dataQueue;
    private final PacketQueue discoQueue;
    private final ConcurrentLinkedQueue<ControlFrame> control = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final RecvPacketBatch recvBatch;
    private final PacketQueue.Consumer packetWriter = new PacketQueue.Consumer() {
        @Override
        public void expect(int packets, int bytes) {
            recvBatch.expect(packets, bytes);
        }

        @Override
        public void accept(NodeKey source, ByteBuf buffer, int offset, int length, long enqueuedAtNanos) {
            writePacket(source, buffer, offset, length, enqueuedAtNanos);
        }
    };
    private final PacketQueue.Consumer goneDropper = this::dropGone;
    /** The one drain task, made once: scheduling it per packet must not allocate. */
    private final Runnable drainTask = this::drain;
    private final long acceptedAt = System.nanoTime();

    private State state = State.HANDSHAKE;
    private volatile boolean closing;
    /** Guarded by the registry's lock; true while another connection shares this key. */
    volatile boolean duplicate;

    private NodeKey key;
    private ClientInfo info;
    /** The box key with the client, from its ClientInfo until the ServerInfo is sealed with it. */
    private NaclBox.SharedKey boxKey;
    private boolean meshPeer;
    /** A mesh peer subscribed to connection changes (WatchConns). */
    private boolean watching;
    private byte presentFlags;
    private ReadThrottle.Throttle throttle;
    private boolean preferred;
    private boolean pongPending;
    private long pongData;
    private Set<NodeKey> heardFrom;
    /** The source of the last packet written, known to be in {@link #heardFrom}: most packets skip the set. */
    private NodeKey lastHeardFrom;
    /**
     * When the bytes being parsed were read: the enqueue time of the packets in them, so a read of
     * many packets asks the clock once.
     */
    private long readAtNanos;
    private double notHereTokens = NOT_HERE_BURST;
    private long notHereRefilledAt = System.nanoTime();
    private ScheduledFuture<?> handshakeTimer;
    private ScheduledFuture<?> keepAliveTimer;
    private ScheduledFuture<?> writeDeadline;
    private long writableEpoch;
    private int batchPackets;
    private long batchBytes;
    private int pausedFor;

    DerpConnection(DerpServer server, DerpTransport transport, HttpRequestHead request) {
        this.server = server;
        this.transport = transport;
        this.loop = transport.eventLoop();
        this.request = request;
        this.remoteAddress = request.remoteAddress() != null ? request.remoteAddress() : transport.remoteAddress();
        this.metrics = server.metrics();
        this.registry = server.registry();
        this.reader = new FrameReader(transport.alloc(), this);
        this.budget = server.receiveBudget().open();
        int depth = server.config().perClientSendQueueDepth();
        this.dataQueue = new PacketQueue(depth);
        this.discoQueue = new PacketQueue(depth);
        this.recvBatch = new RecvPacketBatch(transport);
    }

    /** Sends ServerKey and starts reading; {@code leftover} holds bytes that followed the request head. */
    void start(ByteBuf leftover) {
        transport.start(this);
        transport.onWritable(this::onWritable);
        transport.write(Frames.serverKey(transport.alloc(), server.publicKey()));
        transport.flush();
        handshakeTimer = loop.schedule(this::handshakeTimedOut, server.config().handshakeTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
        if (leftover != null) {
            if (leftover.isReadable()) {
                onBytes(leftover);
            } else {
                leftover.release();
            }
        }
    }

    NodeKey key() {
        return key;
    }

    InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    byte presentFlags() {
        return presentFlags;
    }

    boolean isMeshPeer() {
        return meshPeer;
    }

    // ---------------------------------------------------------------- reading

    @Override
    public void onBytes(ByteBuf bytes) {
        if (state == State.CLOSED) {
            bytes.release();
            return;
        }
        try {
            readAtNanos = System.nanoTime();
            reader.feed(bytes);
            chargeBuffered();
        } catch (ProtocolViolationException e) {
            fail(e);
        } catch (OutOfMemoryError e) {
            outOfMemory(e);
        }
    }

    /**
     * Charges what the reader holds to the receive budget: past it, a connection in its handshake is
     * closed; an admitted one stops reading until the budget has room again.
     */
    private void chargeBuffered() {
        if (state == State.CLOSED || budget.hold(reader.heldBytes())) {
            return;
        }
        if (budget.phase() == ReceiveBudget.Phase.HANDSHAKE) {
            LOG.debugf("%s: receive budget for handshakes exhausted, closing", this);
            close();
            return;
        }
        pause(PAUSED_BY_BUDGET);
        loop.schedule(this::retryBudget, BUDGET_RETRY_NANOS, TimeUnit.NANOSECONDS);
    }

    private void retryBudget() {
        if (state == State.CLOSED) {
            return;
        }
        if (budget.hasRoom()) {
            resume(PAUSED_BY_BUDGET);
        } else {
            loop.schedule(this::retryBudget, BUDGET_RETRY_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    private void pause(int reason) {
        pausedFor |= reason;
        transport.setReading(false);
    }

    private void resume(int reason) {
        pausedFor &= ~reason;
        if (pausedFor == 0) {
            transport.setReading(true);
        }
    }

    /** An allocation for this connection failed: it alone is closed, the event loop goes on. */
    private void outOfMemory(OutOfMemoryError e) {
        server.transportMetrics().outOfMemoryCloses.increment();
        server.connectionLog().warn(LOG, "%s: closing: out of memory (%s)", this, e.getMessage());
        close();
    }

    @Override
    public void onClosed() {
        if (state != State.CLOSED && reader.bufferedBytes() > 0) {
            metrics.protocolError(ProtocolError.TRUNCATED_FRAME);
            LOG.debugf("%s: connection ended inside a frame (%d bytes buffered)", this, reader.bufferedBytes());
        }
        close();
    }

    @Override
    public FrameReader.Disposition onHeader(byte type, long length) throws ProtocolViolationException {
        if (state == State.HANDSHAKE) {
            if (type != FrameType.CLIENT_INFO) {
                throw new ProtocolViolationException(ProtocolError.NOT_CLIENT_INFO,
                        "first frame has type 0x" + Integer.toHexString(type & 0xFF) + ", not ClientInfo");
            }
            if (length < Protocol.KEY_LENGTH + Protocol.NONCE_LENGTH || length > Protocol.MAX_CLIENT_INFO_LENGTH) {
                throw new ProtocolViolationException(ProtocolError.CLIENT_INFO_LENGTH,
                        "ClientInfo of " + length + " bytes");
            }
            return FrameReader.Disposition.DELIVER;
        }
        registry.noteActivity(this);
        switch (type) {
            case FrameType.SEND_PACKET:
                checkLength(type, length, Protocol.KEY_LENGTH, Protocol.KEY_LENGTH + Protocol.MAX_PACKET_SIZE);
                return FrameReader.Disposition.DELIVER;
            case FrameType.FORWARD_PACKET:
                checkMeshPeer(type);
                checkLength(type, length, 2 * Protocol.KEY_LENGTH, 2 * Protocol.KEY_LENGTH + Protocol.MAX_PACKET_SIZE);
                return FrameReader.Disposition.DELIVER;
            case FrameType.NOTE_PREFERRED:
                checkLength(type, length, 1, 1);
                return FrameReader.Disposition.DELIVER;
            case FrameType.WATCH_CONNS:
                checkMeshPeer(type);
                checkLength(type, length, 0, 0);
                return FrameReader.Disposition.DELIVER;
            case FrameType.CLOSE_PEER:
                checkMeshPeer(type);
                checkLength(type, length, Protocol.KEY_LENGTH, Protocol.KEY_LENGTH);
                return FrameReader.Disposition.DELIVER;
            case FrameType.PING:
                checkLength(type, length, Protocol.MIN_PING_LENGTH, Protocol.MAX_PING_LENGTH);
                return FrameReader.Disposition.DELIVER;
            default:
                metrics.unknownFrames.increment();
                return FrameReader.Disposition.SKIP;
        }
    }

    private static void checkLength(byte type, long length, int min, int max) throws ProtocolViolationException {
        if (length < min || length > max) {
            throw new ProtocolViolationException(ProtocolError.FRAME_LENGTH, "frame type 0x"
                    + Integer.toHexString(type & 0xFF) + " with " + length + " bytes (allowed " + min + ".." + max + ")");
        }
    }

    private void checkMeshPeer(byte type) throws ProtocolViolationException {
        if (!meshPeer) {
            throw new ProtocolViolationException(ProtocolError.NOT_MESH_PEER,
                    "frame type 0x" + Integer.toHexString(type & 0xFF) + " is for mesh peers only");
        }
    }

    @Override
    public void onFrame(byte type, ByteBuf buffer, int offset, int length) throws ProtocolViolationException {
        switch (type) {
            case FrameType.CLIENT_INFO -> onClientInfo(buffer, offset, length);
            case FrameType.SEND_PACKET -> onSendPacket(buffer, offset, length);
            case FrameType.FORWARD_PACKET -> onForwardPacket(buffer, offset, length);
            case FrameType.NOTE_PREFERRED -> onNotePreferred(buffer.getByte(offset) != 0);
            case FrameType.WATCH_CONNS -> {
                if (!key.equals(server.publicKey())) {
                    watching = true;
                    registry.addWatcher(this);
                }
            }
            case FrameType.CLOSE_PEER -> server.closeClient(NodeKey.fromBuffer(buffer, offset));
            case FrameType.PING -> onPing(buffer.getLong(offset));
            default -> throw new IllegalStateException("frame type not delivered: " + type);
        }
        if (throttle != null && state == State.ACTIVE) {
            long waitNanos = throttle.charge(Protocol.FRAME_HEADER_LENGTH + length);
            if (waitNanos > 0) {
                pauseReading(waitNanos);
            }
        }
    }

    private void onClientInfo(ByteBuf buffer, int start, int length) throws ProtocolViolationException {
        NodeKey clientKey = NodeKey.fromBuffer(buffer, start);
        byte[] box = new byte[length - Protocol.KEY_LENGTH];
        buffer.getBytes(start + Protocol.KEY_LENGTH, box);
        NaclBox.SharedKey sharedKey;
        try {
            // One key agreement per handshake: the ServerInfo is sealed with the same key.
            sharedKey = NaclBox.sharedKey(server.privateKey(), clientKey);
        } catch (IllegalArgumentException e) {
            throw new ProtocolViolationException(ProtocolError.CLIENT_INFO_BOX, "ClientInfo from " + clientKey
                    + ": " + e.getMessage());
        }
        ClientInfo parsed;
        try {
            byte[] json = NaclBox.open(sharedKey, box);
            parsed = ClientInfo.parse(json);
        } catch (NaclBox.BoxOpenException e) {
            throw new ProtocolViolationException(ProtocolError.CLIENT_INFO_BOX, "ClientInfo from " + clientKey
                    + ": " + e.getMessage());
        } catch (ClientInfo.InvalidClientInfoException e) {
            throw new ProtocolViolationException(ProtocolError.CLIENT_INFO_JSON, "ClientInfo from " + clientKey
                    + ": " + e.getMessage());
        }
        key = clientKey;
        info = parsed;
        boxKey = sharedKey;
        meshPeer = parsed.meshKey().isPresent() && server.meshKey().isPresent()
                && MessageDigest.isEqual(parsed.meshKey().get(), server.meshKey().get());
        String idealNode = request.header(Protocol.IDEAL_NODE_HEADER);
        boolean notIdeal = idealNode != null && !idealNode.isEmpty();
        presentFlags = PeerPresentFlags.of(meshPeer, parsed.isProber(), notIdeal);
        state = State.ADMITTING;
        // Frames after ClientInfo wait (in the socket) until the client is admitted and has its ServerInfo.
        reader.suspend();
        pause(PAUSED_FOR_ADMISSION);
        if (meshPeer) {
            admitted(true);
        } else {
            server.admission().admit(new ClientAdmission.Request(key, remoteAddress(), parsed, request))
                    .onComplete(result -> loop.execute(() -> onAdmission(result.succeeded() && result.result())));
        }
    }

    /**
     * Admission's answer, run as a task of its own on the event loop (outside {@link #onBytes}): a
     * failed allocation while completing the handshake must close this connection, not leave it
     * registered and waiting for a ServerInfo that never comes.
     */
    private void onAdmission(boolean admitted) {
        try {
            admitted(admitted);
        } catch (OutOfMemoryError e) {
            outOfMemory(e);
        }
    }

    private void admitted(boolean admitted) {
        if (state != State.ADMITTING) {
            return;
        }
        if (!admitted) {
            metrics.protocolError(ProtocolError.ADMISSION_DENIED);
            // The admission seam logs why (rate-limited); this line only ties it to the connection.
            LOG.debugf("%s: admission refused %s from %s", this, key, remoteAddress());
            close();
            return;
        }
        handshakeTimer.cancel(false);
        budget.established();
        registry.register(this);
        if (presentFlags != PeerPresentFlags.IS_REGULAR && (presentFlags & PeerPresentFlags.NOT_IDEAL) != 0) {
            metrics.currentNotIdealConnections.incrementAndGet();
        }
        // Active from the moment it is registered, so a failure below still unregisters it on close.
        state = State.ACTIVE;
        ServerInfo serverInfo = server.serverInfoProvider().serverInfo(key, info);
        // Needed only until here: an idle connection should hold no more than it must.
        info = null;
        request = null;
        byte[] sealed = NaclBox.seal(boxKey, server.boxNonces().next(), serverInfo.toJson());
        boxKey = null;
        transport.write(Frames.serverInfo(transport.alloc(), sealed));
        transport.flush();
        // Counted (derp_accepts, admission decisions), not logged at INFO: that line cost more CPU than the handshake.
        LOG.debugf("%s: admitted", this);
        if (!meshPeer) {
            throttle = server.readThrottle().forClient(key);
        }
        long keepAlive = server.config().keepAlive().toNanos()
                + ThreadLocalRandom.current().nextLong(Math.max(1, server.config().keepAliveJitter().toNanos()));
        keepAliveTimer = loop.scheduleAtFixedRate(this::sendKeepAlive, keepAlive, keepAlive, TimeUnit.NANOSECONDS);
        resume(PAUSED_FOR_ADMISSION);
        if (resumeParsing()) {
            scheduleDrain();
        }
    }

    private void onSendPacket(ByteBuf buffer, int start, int length) {
        int packetStart = start + Protocol.KEY_LENGTH;
        int packetLength = length - Protocol.KEY_LENGTH;
        boolean disco = Frames.isDisco(buffer, packetStart, packetLength);
        metrics.packetsReceived.increment();
        metrics.bytesReceived.add(packetLength);
        (disco ? metrics.packetsReceivedDisco : metrics.packetsReceivedOther).increment();
        route(key, buffer, start, packetStart, packetLength, disco, DropReason.UNKNOWN_DEST);
    }

    /** A mesh peer's packet: delivered only locally, never forwarded again (one hop at most). */
    private void onForwardPacket(ByteBuf buffer, int start, int length) {
        int packetStart = start + 2 * Protocol.KEY_LENGTH;
        int packetLength = length - 2 * Protocol.KEY_LENGTH;
        metrics.packetsForwardedIn.increment();
        route(NodeKey.fromBuffer(buffer, start), buffer, start + Protocol.KEY_LENGTH, packetStart, packetLength,
                Frames.isDisco(buffer, packetStart, packetLength), DropReason.UNKNOWN_DEST_ON_FWD);
    }

    /**
     * Delivers the packet at {@code packetStart} of {@code frame} from {@code source} to the key at
     * {@code destinationIndex}: to its active local connection, else (local sends only) through a mesh
     * forwarder when the key has no local connection at all, else dropped as derper does. A delivered
     * packet is a retained slice of the received buffer: pooled and recycled, so routing allocates nothing.
     */
    private void route(NodeKey source, ByteBuf frame, int destinationIndex, int packetStart, int packetLength,
            boolean disco, DropReason unknown) {
        ClientSet set = registry.lookup(probe.set(frame, destinationIndex));
        DerpConnection destination = set == null ? null : set.active;
        if (destination != null) {
            destination.enqueue(source, frame.retain(), packetStart, packetLength, disco, readAtNanos);
            return;
        }
        if (set == null && unknown == DropReason.UNKNOWN_DEST) {
            PacketForwarder forwarder = registry.forwarder(probe);
            if (forwarder != null) {
                metrics.packetsForwardedOut.increment();
                forwarder.forward(source, probe.toKey(), frame.retainedSlice(packetStart, packetLength));
                return;
            }
        }
        metrics.dropped(set == null ? unknown : DropReason.DUP_CLIENT, disco, packetLength);
        if (set == null && disco) {
            notHere(probe.toKey());
        }
    }

    /** PeerGone(NotHere) to this sender, rate-limited to 1/s with a burst of 3. */
    private void notHere(NodeKey destination) {
        long now = System.nanoTime();
        notHereTokens = Math.min(NOT_HERE_BURST,
                notHereTokens + (double) (now - notHereRefilledAt) / NOT_HERE_INTERVAL_NANOS);
        notHereRefilledAt = now;
        if (notHereTokens >= 1) {
            notHereTokens -= 1;
            sendControl(ControlFrame.peerGone(destination, PeerGoneReason.NOT_HERE));
        }
    }

    private void onNotePreferred(boolean nowPreferred) {
        if (nowPreferred == preferred) {
            return;
        }
        preferred = nowPreferred;
        if (nowPreferred) {
            metrics.currentHomeConnections.incrementAndGet();
        } else {
            metrics.currentHomeConnections.decrementAndGet();
        }
        if (System.nanoTime() - acceptedAt > HOME_MOVE_GRACE_NANOS) {
            (nowPreferred ? metrics.homeMovesIn : metrics.homeMovesOut).increment();
        }
    }

    private void onPing(long data) {
        metrics.gotPing.increment();
        if (pongPending) {
            return; // as derper: a ping while a pong is pending is dropped, not queued
        }
        pongPending = true;
        pongData = data;
        scheduleDrain();
    }

    private void pauseReading(long nanos) {
        reader.suspend();
        pause(PAUSED_BY_THROTTLE);
        loop.schedule(() -> {
            if (state != State.ACTIVE) {
                return;
            }
            resume(PAUSED_BY_THROTTLE);
            resumeParsing();
        }, nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Parses the frames the reader held while suspended (their packets count as received now) and
     * charges what stays buffered; false when they broke the protocol and the connection failed.
     */
    private boolean resumeParsing() {
        try {
            readAtNanos = System.nanoTime();
            reader.resume();
            chargeBuffered();
            return true;
        } catch (ProtocolViolationException e) {
            fail(e);
            return false;
        }
    }

    // ---------------------------------------------------------------- queueing (any thread)

    /**
     * Queues the {@code length} bytes at {@code offset} of {@code buffer} (one reference of it, now
     * this connection's) from {@code source}, received at {@code receivedAtNanos}; never blocks, drops
     * as derper does.
     */
    void enqueue(NodeKey source, ByteBuf buffer, int offset, int length, boolean disco, long receivedAtNanos) {
        PacketQueue queue = disco ? discoQueue : dataQueue;
        if (loop.inEventLoop() && queue.isFull()) {
            // The sender shares this loop, whose drain task runs only after the pass has read every
            // ready socket: a flooding sender would fill the queue many times over before it. Writing
            // now keeps the receiver served; a receiver that cannot take more still drops as derper.
            drainInline();
        }
        int result = queue.offer(source, buffer, offset, length, receivedAtNanos);
        if (result == PacketQueue.QUEUED) {
            scheduleDrain();
        } else if (result == PacketQueue.CLOSED) {
            metrics.dropped(DropReason.GONE_DISCONNECTED, disco, length);
        } else {
            metrics.dropped(DropReason.QUEUE_HEAD, disco, result);
            scheduleDrain();
        }
    }

    /** Asks this connection's writer to send a PeerGone or PeerPresent. */
    void sendControl(ControlFrame frame) {
        if (closing) {
            return;
        }
        control.add(frame);
        scheduleDrain();
    }

    /** Registry callback: {@code peer}, which sent packets to this connection, left the region. */
    void peerGoneFromRegion(NodeKey peer) {
        loop.execute(() -> {
            if (heardFrom != null) {
                heardFrom.remove(peer);
            }
            lastHeardFrom = null;
        });
        sendControl(ControlFrame.peerGone(peer, PeerGoneReason.DISCONNECTED));
    }

    private void scheduleDrain() {
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainTask);
        }
    }

    // ---------------------------------------------------------------- writing (event loop)

    private void drain() {
        drainScheduled.set(false);
        writeIfActive();
    }

    /** A drain on the sender's stack; the scheduled one still runs (and finds less). */
    private void drainInline() {
        if (transport.isWritable()) {
            writeIfActive();
        }
    }

    private void writeIfActive() {
        if (state != State.ACTIVE) {
            return;
        }
        try {
            writeQueued();
        } catch (OutOfMemoryError e) {
            outOfMemory(e);
        }
    }

    private void writeQueued() {
        int frames = 0;
        int peerStates = 0;
        ControlFrame frame;
        while ((frame = control.poll()) != null) {
            transport.write(frame.encode(transport.alloc()));
            if (frame.type() == FrameType.PEER_GONE) {
                (frame.reasonOrFlags() == PeerGoneReason.NOT_HERE ? metrics.peerGoneNotHereFrames
                        : metrics.peerGoneDisconnectedFrames).increment();
            }
            if (frame.type() == FrameType.PEER_PRESENT || frame.type() == FrameType.PEER_GONE) {
                peerStates++;
            }
            frames++;
        }
        if (watching && peerStates > 0) {
            metrics.meshUpdatesWritten(peerStates);
        }
        // A pong waits for a writable socket; pings meanwhile are dropped (one pending pong, as derper).
        if (pongPending && transport.isWritable()) {
            transport.write(Frames.pong(transport.alloc(), pongData));
            pongPending = false;
            metrics.sentPong.increment();
            frames++;
        }
        for (int round = 0; round < MAX_DRAIN_ROUNDS && transport.isWritable(); round++) {
            int n = discoQueue.drain(DRAIN_BATCH, packetWriter) + dataQueue.drain(DRAIN_BATCH, packetWriter);
            // Handed on per round, so the writability check of the next round counts these bytes.
            recvBatch.finish();
            if (n == 0) {
                break;
            }
            frames += n;
        }
        if (batchPackets > 0) {
            metrics.packetsSent.add(batchPackets);
            metrics.bytesSent.add(batchBytes);
            batchPackets = 0;
            batchBytes = 0;
        }
        if (frames > 0) {
            transport.flush();
            metrics.flushed(frames);
        }
        if (!transport.isWritable()) {
            armWriteDeadline();
        } else if (!dataQueue.isEmpty() || !discoQueue.isEmpty()) {
            scheduleDrain();
        }
    }

    private void writePacket(NodeKey sourceKey, ByteBuf buffer, int offset, int length, long enqueuedAt) {
        try {
            recvBatch.append(sourceKey, buffer, offset, length);
        } finally {
            buffer.release();
        }
        if (batchPackets == 0) {
            metrics.queueDuration(System.nanoTime() - enqueuedAt);
        }
        batchPackets++;
        batchBytes += length;
        if (sourceKey != lastHeardFrom) {
            if (heardFrom == null) {
                heardFrom = new HashSet<>();
            }
            if (heardFrom.add(sourceKey)) {
                registry.addCorrespondent(sourceKey, this);
            }
            lastHeardFrom = sourceKey;
        }
    }

    private void sendKeepAlive() {
        // A socket that is not writable has frames waiting anyway (and the write deadline running).
        if (state != State.ACTIVE || !transport.isWritable()) {
            return;
        }
        transport.write(Frames.keepAlive(transport.alloc()));
        transport.flush();
    }

    /** Sends Restarting and stops reading: the graceful-shutdown drain. */
    void restarting(long reconnectInMillis, long tryForMillis) {
        if (state != State.ACTIVE) {
            close();
            return;
        }
        pause(PAUSED_FOR_SHUTDOWN);
        reader.suspend();
        transport.write(Frames.restarting(transport.alloc(), reconnectInMillis, tryForMillis));
        transport.flush();
        metrics.restartingFrames.increment();
        scheduleDrain();
    }

    /** True when nothing waits to be written; read from the shutdown thread, so only roughly current. */
    boolean isDrainedRacy() {
        return closing || (dataQueue.isEmpty() && discoQueue.isEmpty() && control.isEmpty()
                && transport.isWritable());
    }

    EventLoop transportLoop() {
        return loop;
    }

    private void onWritable() {
        writableEpoch++;
        if (writeDeadline != null) {
            writeDeadline.cancel(false);
            writeDeadline = null;
        }
        scheduleDrain();
    }

    private void armWriteDeadline() {
        if (writeDeadline != null) {
            return;
        }
        long epoch = writableEpoch;
        long timeout = (meshPeer ? server.config().meshWriteTimeout() : server.config().writeTimeout()).toNanos();
        if (timeout <= 0) {
            return;
        }
        writeDeadline = loop.schedule(() -> {
            writeDeadline = null;
            if (state != State.CLOSED && epoch == writableEpoch && !transport.isWritable()) {
                metrics.writeTimeouts.increment();
                LOG.debugf("%s: write deadline exceeded, closing", this);
                close();
            }
        }, timeout, TimeUnit.NANOSECONDS);
    }

    // ---------------------------------------------------------------- closing

    private void handshakeTimedOut() {
        if (state == State.HANDSHAKE || state == State.ADMITTING) {
            metrics.protocolError(ProtocolError.HANDSHAKE_TIMEOUT);
            LOG.debugf("%s: handshake not completed in time", this);
            close();
        }
    }

    private void fail(ProtocolViolationException e) {
        metrics.protocolError(e.reason());
        server.connectionLog().info(LOG, "%s: closing: %s", this, e.getMessage());
        close();
    }

    /** Closes the connection (idempotent, event loop only); queued packets count as gone_disconnected. */
    void close() {
        if (state == State.CLOSED) {
            return;
        }
        State was = state;
        state = State.CLOSED;
        closing = true;
        cancel(handshakeTimer);
        cancel(keepAliveTimer);
        cancel(writeDeadline);
        reader.release();
        budget.close();
        if (throttle != null) {
            throttle.close();
        }
        if (was == State.ACTIVE) {
            registry.unregister(this);
            if (preferred) {
                metrics.currentHomeConnections.decrementAndGet();
            }
            if ((presentFlags & PeerPresentFlags.NOT_IDEAL) != 0) {
                metrics.currentNotIdealConnections.decrementAndGet();
            }
        }
        dataQueue.close(goneDropper);
        discoQueue.close(goneDropper);
        recvBatch.release();
        control.clear();
        if (heardFrom != null) {
            for (NodeKey source : heardFrom) {
                registry.removeCorrespondent(source, this);
            }
            heardFrom = null;
        }
        lastHeardFrom = null;
        server.closed(this);
        transport.close();
    }

    private void dropGone(NodeKey source, ByteBuf buffer, int offset, int length, long enqueuedAt) {
        metrics.dropped(DropReason.GONE_DISCONNECTED, Frames.isDisco(buffer, offset, length), length);
        buffer.release();
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "derp " + (key == null ? "(handshake)" : key.shortString()) + " " + remoteAddress();
    }
}

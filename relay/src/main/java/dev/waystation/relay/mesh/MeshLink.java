package dev.waystation.relay.mesh;

import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLPeerUnverifiedException;

import org.jboss.logging.Logger;

import dev.waystation.relay.derp.FrameType;
import dev.waystation.relay.derp.DerpTransport;
import dev.waystation.relay.derp.NaclBox;
import dev.waystation.relay.derp.NetSocketTransport;
import dev.waystation.relay.derp.NodeKey;
import dev.waystation.relay.derp.PacketForwarder;
import dev.waystation.relay.derp.Protocol;
import dev.waystation.relay.mesh.MeshFrameDecoder.MeshProtocolException;
import dev.waystation.relay.tls.HostnameVerifier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Context;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * The long-lived outbound connection to one mesh peer (derper's mesh client): a DERP client
 * authenticated with our server key and the mesh key that sends WatchConns, keeps the peer's
 * PeerPresent/PeerGone stream as routes, and carries ForwardPackets for clients homed there. When the
 * link drops, the peer's clients are forgotten at once and the link is dialled again after a
 * jittered, growing delay (or, after a Restarting frame, after the delay the peer asked for).
 * State changes run on the link's own Vert.x context; {@link #forward} is called from any event loop.
 */
final class MeshLink implements PacketForwarder, DerpTransport.Inbound, MeshFrameDecoder.Sink {

    private static final Logger LOG = Logger.getLogger(MeshLink.class);
    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** An HTTP response head larger than this is not a DERP server's 101. */
    private static final int MAX_RESPONSE_HEAD = 8 * 1024;
    /** Outbound bytes buffered per link before forwarded packets are dropped. */
    static final int WRITE_HIGH_WATER_MARK = 1024 * 1024;
    private static final int SERVER_KEY_LENGTH = 8 + Protocol.KEY_LENGTH;
    private static final int MIN_PEER_GONE_LENGTH = Protocol.KEY_LENGTH;

    private final MeshPeerAddress address;
    private final RegionMesh mesh;
    private final Context context;

    final LongAdder forwardedPackets = new LongAdder();
    final LongAdder forwardedBytes = new LongAdder();
    final LongAdder forwardDrops = new LongAdder();
    final LongAdder connects = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder restartingReceived = new LongAdder();

    private volatile MeshLinkState state = MeshLinkState.WAITING;
    private volatile Instant stateSince = Instant.now();
    private volatile String lastError = "";
    private volatile int clientCount;
    private volatile boolean restarting;
    /** The transport while the link is UP (read by senders on other loops); null otherwise. */
    private volatile NetSocketTransport upTransport;

    // Link context only:
    private NetSocketTransport transport;
    private EventLoop loop;
    private MeshFrameDecoder decoder;
    private ByteBuf responseHead;
    private NodeKey serverKey;
    private final Set<NodeKey> present = new HashSet<>();
    private int consecutiveFailures;
    private long reconnectInMillis = -1;
    private long dialTimer = -1;
    private long retryTimer = -1;
    private long lastReadNanos;
    private ScheduledFuture<?> idleCheck;
    private ScheduledFuture<?> stallCheck;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final Runnable flushTask = this::flushNow;

    MeshLink(MeshPeerAddress address, RegionMesh mesh, Context context) {
        this.address = address;
        this.mesh = mesh;
        this.context = context;
    }

    MeshPeerAddress address() {
        return address;
    }

    MeshLinkState state() {
        return state;
    }

    Instant stateSince() {
        return stateSince;
    }

    String lastError() {
        return lastError;
    }

    int clientCount() {
        return clientCount;
    }

    boolean restarting() {
        return restarting;
    }

    void start() {
        context.runOnContext(v -> dial());
    }

    /** Stops for good: closes the connection and forgets the peer's clients. */
    void stop() {
        context.runOnContext(v -> {
            if (state == MeshLinkState.STOPPED) {
                return;
            }
            setState(MeshLinkState.STOPPED);
            cancelTimers();
            closeConnection();
            forgetClients();
        });
    }

    // ---------------------------------------------------------------- dialling (link context)

    private void dial() {
        if (state == MeshLinkState.STOPPED || state == MeshLinkState.SELF) {
            return;
        }
        retryTimer = -1;
        restarting = false;
        reconnectInMillis = -1;
        setState(MeshLinkState.CONNECTING);
        dialTimer = mesh.vertx().setTimer(mesh.config().meshDialTimeout().toMillis(), id -> {
            dialTimer = -1;
            if (state == MeshLinkState.CONNECTING || state == MeshLinkState.UPGRADING
                    || state == MeshLinkState.HANDSHAKE) {
                fail("no DERP handshake within " + mesh.config().meshDialTimeout());
            }
        });
        SocketAddress target = SocketAddress.inetSocketAddress(address.dialPort(), address.dialHost());
        mesh.netClient().connect(target, mesh.tls() ? address.name() : null).onComplete(result -> {
            if (result.failed()) {
                if (state == MeshLinkState.CONNECTING) {
                    fail("connect to " + address.dialHost() + ":" + address.dialPort() + ": " + causes(result.cause()));
                }
                return;
            }
            connected(result.result());
        });
    }

    /** A failure and its causes in one line ("Failed to create SSL connection" alone says little). */
    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    private void connected(NetSocket socket) {
        if (state != MeshLinkState.CONNECTING) {
            socket.close();
            return;
        }
        if (mesh.tls()) {
            Optional<String> refused = refusedCertificate(socket);
            if (refused.isPresent()) {
                socket.close();
                fail(refused.get());
                return;
            }
        }
        NetSocketInternal internal = (NetSocketInternal) socket;
        internal.channelHandlerContext().channel().config().setWriteBufferHighWaterMark(WRITE_HIGH_WATER_MARK);
        transport = new NetSocketTransport(internal);
        loop = transport.eventLoop();
        decoder = new MeshFrameDecoder(transport.alloc());
        responseHead = transport.alloc().buffer(256);
        setState(MeshLinkState.UPGRADING);
        lastReadNanos = System.nanoTime();
        transport.start(this);
        transport.onWritable(this::onWritable);
        String request = "GET " + Protocol.DERP_PATH + " HTTP/1.1\r\n"
                + "Host: " + address.hostHeader() + "\r\n"
                + "User-Agent: waystation-mesh\r\n"
                + "Upgrade: DERP\r\n"
                + "Connection: Upgrade\r\n\r\n";
        transport.write(transport.alloc().buffer(request.length()).writeBytes(request.getBytes(StandardCharsets.US_ASCII)));
        transport.flush();
        long idle = mesh.config().meshIdleTimeout().toNanos();
        idleCheck = loop.scheduleAtFixedRate(this::checkIdle, idle / 4, idle / 4, TimeUnit.NANOSECONDS);
    }

    /**
     * The TLS stack has verified the chain; the name is checked here, on the leaf's subject alternative
     * names as Go clients do, because the connection goes to the dial address, not to the name.
     */
    private Optional<String> refusedCertificate(NetSocket socket) {
        try {
            Certificate[] chain = socket.sslSession().getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate leaf
                    && HostnameVerifier.matches(leaf, address.name())) {
                return Optional.empty();
            }
            return Optional.of("the certificate of " + address.dialHost() + ":" + address.dialPort()
                    + " is not valid for " + address.name() + " ("
                    + (chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf.getSubjectX500Principal()
                            : "no certificate") + ")");
        } catch (SSLPeerUnverifiedException | RuntimeException e) {
            return Optional.of("no verified certificate from " + address.dialHost() + ":" + address.dialPort() + ": "
                    + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- reading (link event loop)

    @Override
    public void onBytes(ByteBuf bytes) {
        lastReadNanos = System.nanoTime();
        if (transport == null || state == MeshLinkState.STOPPED) {
            bytes.release();
            return;
        }
        try {
            if (state == MeshLinkState.UPGRADING) {
                ByteBuf rest = readResponseHead(bytes);
                if (rest == null) {
                    return;
                }
                setState(MeshLinkState.HANDSHAKE);
                bytes = rest;
            }
            decoder.feed(bytes, this);
        } catch (MeshProtocolException e) {
            fail(e.getMessage());
        }
    }

    /** Collects the HTTP response head; returns the bytes after it once complete (null until then). */
    private ByteBuf readResponseHead(ByteBuf bytes) throws MeshProtocolException {
        responseHead.writeBytes(bytes);
        bytes.release();
        int end = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(HEAD_END), responseHead);
        if (end < 0) {
            if (responseHead.readableBytes() > MAX_RESPONSE_HEAD) {
                throw new MeshProtocolException("no end of the HTTP response head in " + MAX_RESPONSE_HEAD + " bytes");
            }
            return null;
        }
        String head = responseHead.toString(responseHead.readerIndex(), end - responseHead.readerIndex(),
                StandardCharsets.ISO_8859_1);
        String statusLine = head.lines().findFirst().orElse("");
        if (!statusLine.matches("HTTP/1\\.[01] 101( .*)?")) {
            throw new MeshProtocolException("peer answered the DERP upgrade with '" + statusLine + "'");
        }
        responseHead.readerIndex(end + HEAD_END.length);
        ByteBuf rest = responseHead;
        responseHead = null;
        return rest;
    }

    @Override
    public void onFrame(byte type, ByteBuf payload) throws MeshProtocolException {
        if (state == MeshLinkState.HANDSHAKE) {
            handshakeFrame(type, payload);
            return;
        }
        if (state != MeshLinkState.UP) {
            return;
        }
        switch (type) {
            case FrameType.PEER_PRESENT -> {
                requireLength(type, payload, Protocol.KEY_LENGTH);
                NodeKey key = NodeKey.fromBuffer(payload, payload.readerIndex());
                present.add(key);
                clientCount = present.size();
                mesh.routes().present(key, this);
            }
            case FrameType.PEER_GONE -> {
                requireLength(type, payload, MIN_PEER_GONE_LENGTH);
                NodeKey key = NodeKey.fromBuffer(payload, payload.readerIndex());
                // derper's mesh client drops the route whatever the reason (Disconnected or NotHere).
                present.remove(key);
                clientCount = present.size();
                mesh.routes().gone(key, this);
            }
            case FrameType.PING -> {
                requireLength(type, payload, Protocol.MIN_PING_LENGTH);
                transport.write(MeshFrames.pong(transport.alloc(), payload.getLong(payload.readerIndex())));
                scheduleFlush();
            }
            case FrameType.RESTARTING -> {
                requireLength(type, payload, 8);
                // Advisory: the peer drains and then closes. Its clients stay routed until the link
                // actually drops, and the next dial waits as long as it asked.
                restarting = true;
                reconnectInMillis = Integer.toUnsignedLong(payload.getInt(payload.readerIndex()));
                restartingReceived.increment();
                LOG.infof("mesh peer %s is restarting (reconnect in %d ms)", address.label(), reconnectInMillis);
            }
            default -> {
                // KeepAlive, Health, RecvPacket, anything newer: nothing to do beyond having read it.
            }
        }
    }

    private void handshakeFrame(byte type, ByteBuf payload) throws MeshProtocolException {
        if (serverKey == null) {
            if (type != FrameType.SERVER_KEY || payload.readableBytes() < SERVER_KEY_LENGTH
                    || !ByteBufUtil.equals(payload, payload.readerIndex(),
                            Unpooled.wrappedBuffer(Protocol.MAGIC), 0, Protocol.MAGIC.length)) {
                throw new MeshProtocolException("first frame is not ServerKey (type 0x"
                        + Integer.toHexString(type & 0xFF) + ")");
            }
            serverKey = NodeKey.fromBuffer(payload, payload.readerIndex() + Protocol.MAGIC.length);
            if (serverKey.equals(mesh.server().publicKey())) {
                LOG.infof("mesh peer %s is this relay itself (same server key); not meshing with it", address.label());
                setState(MeshLinkState.SELF);
                cancelTimers();
                closeConnection();
                return;
            }
            transport.write(MeshFrames.clientInfo(transport.alloc(), mesh.server().privateKey(), serverKey,
                    mesh.meshKey(), mesh.random()));
            transport.write(MeshFrames.watchConns(transport.alloc()));
            transport.flush();
            return;
        }
        if (type != FrameType.SERVER_INFO) {
            throw new MeshProtocolException("frame type 0x" + Integer.toHexString(type & 0xFF)
                    + " before ServerInfo");
        }
        byte[] sealed = new byte[payload.readableBytes()];
        payload.getBytes(payload.readerIndex(), sealed);
        try {
            NaclBox.open(mesh.server().privateKey(), serverKey, sealed);
        } catch (NaclBox.BoxOpenException e) {
            throw new MeshProtocolException("ServerInfo does not open: " + e.getMessage());
        }
        if (dialTimer >= 0) {
            mesh.vertx().cancelTimer(dialTimer);
            dialTimer = -1;
        }
        consecutiveFailures = 0;
        lastError = "";
        connects.increment();
        upTransport = transport;
        setState(MeshLinkState.UP);
        LOG.infof("mesh link to %s up (peer key %s)", address.label(), serverKey.shortString());
    }

    private static void requireLength(byte type, ByteBuf payload, int min) throws MeshProtocolException {
        if (payload.readableBytes() < min) {
            throw new MeshProtocolException("frame type 0x" + Integer.toHexString(type & 0xFF) + " of "
                    + payload.readableBytes() + " bytes (at least " + min + ")");
        }
    }

    @Override
    public void onClosed() {
        if (state == MeshLinkState.STOPPED || state == MeshLinkState.SELF || state == MeshLinkState.WAITING) {
            return;
        }
        fail(restarting ? "peer restarted" : "connection closed by the peer");
    }

    private void checkIdle() {
        if (System.nanoTime() - lastReadNanos > mesh.config().meshIdleTimeout().toNanos()) {
            fail("nothing received for " + mesh.config().meshIdleTimeout());
        }
    }

    // ---------------------------------------------------------------- forwarding (any event loop)

    @Override
    public void forward(NodeKey source, NodeKey destination, ByteBuf packet) {
        NetSocketTransport t = upTransport;
        if (t == null) {
            drop(packet);
        } else if (loop.inEventLoop()) {
            write(t, source, destination, packet);
        } else {
            loop.execute(() -> write(t, source, destination, packet));
        }
    }

    private void write(NetSocketTransport t, NodeKey source, NodeKey destination, ByteBuf packet) {
        if (t != upTransport) {
            drop(packet);
            return;
        }
        if (!t.isWritable()) {
            drop(packet);
            armStallCheck();
            return;
        }
        int length = packet.readableBytes();
        t.write(MeshFrames.forwardPacketHeader(t.alloc(), source, destination, length));
        t.write(packet);
        forwardedPackets.increment();
        forwardedBytes.add(length);
        scheduleFlush();
    }

    private void drop(ByteBuf packet) {
        forwardDrops.increment();
        packet.release();
    }

    private void scheduleFlush() {
        if (flushScheduled.compareAndSet(false, true)) {
            loop.execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled.set(false);
        if (transport != null) {
            transport.flush();
        }
    }

    private void armStallCheck() {
        if (stallCheck != null) {
            return;
        }
        NetSocketTransport t = transport;
        stallCheck = loop.schedule(() -> {
            stallCheck = null;
            if (t == transport && !t.isWritable()) {
                context.runOnContext(v -> {
                    if (t == transport) {
                        fail("forwarded packets stalled for " + mesh.config().meshForwardStallTimeout());
                    }
                });
            }
        }, mesh.config().meshForwardStallTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void onWritable() {
        if (stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
    }

    // ---------------------------------------------------------------- going down (link context)

    /** The link failed or dropped: forget the peer's clients now and dial again later. */
    private void fail(String reason) {
        if (state == MeshLinkState.STOPPED || state == MeshLinkState.SELF || state == MeshLinkState.WAITING) {
            return;
        }
        boolean wasUp = state == MeshLinkState.UP;
        if (wasUp) {
            LOG.warnf("mesh link to %s down: %s", address.label(), reason);
        } else {
            LOG.infof("mesh link to %s failed: %s", address.label(), reason);
            consecutiveFailures++;
        }
        failures.increment();
        lastError = reason;
        cancelTimers();
        closeConnection();
        forgetClients();
        long delay = nextDelayMillis();
        setState(MeshLinkState.WAITING);
        retryTimer = mesh.vertx().setTimer(Math.max(1, delay), id -> dial());
    }

    /** Full jitter over an exponentially growing ceiling; after Restarting, the peer's own reconnect hint. */
    private long nextDelayMillis() {
        long min = mesh.config().meshReconnectMin().toMillis();
        long max = mesh.config().meshReconnectMax().toMillis();
        if (reconnectInMillis >= 0) {
            long hinted = Math.min(reconnectInMillis, max);
            return hinted + ThreadLocalRandom.current().nextLong(Math.max(1, min));
        }
        long ceiling = Math.min(max, min << Math.min(consecutiveFailures, 20));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling / 2 + 1));
    }

    private void forgetClients() {
        for (NodeKey key : present.toArray(NodeKey[]::new)) {
            mesh.routes().gone(key, this);
        }
        present.clear();
        clientCount = 0;
    }

    private void closeConnection() {
        upTransport = null;
        serverKey = null;
        if (decoder != null) {
            decoder.release();
            decoder = null;
        }
        if (responseHead != null) {
            responseHead.release();
            responseHead = null;
        }
        if (transport != null) {
            NetSocketTransport t = transport;
            transport = null;
            t.close();
        }
    }

    private void cancelTimers() {
        if (dialTimer >= 0) {
            mesh.vertx().cancelTimer(dialTimer);
            dialTimer = -1;
        }
        if (retryTimer >= 0) {
            mesh.vertx().cancelTimer(retryTimer);
            retryTimer = -1;
        }
        if (idleCheck != null) {
            idleCheck.cancel(false);
            idleCheck = null;
        }
        if (stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
    }

    private void setState(MeshLinkState next) {
        state = next;
        stateSince = Instant.now();
    }

    @Override
    public String toString() {
        return "mesh link " + address.label() + " " + state;
    }
}

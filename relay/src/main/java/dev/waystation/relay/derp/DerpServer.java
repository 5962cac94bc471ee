package dev.waystation.relay.derp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.waystation.relay.logging.ConnectionEventLog;
import dev.waystation.relay.metrics.DerpMetrics;
import dev.waystation.relay.metrics.TransportMetrics;
import io.netty.buffer.ByteBuf;
import io.quarkus.runtime.Startup;

/**
 * The DERP server: its identity, the client registry, and the seams other subsystems plug into
 * (admission, read throttling, ServerInfo, HTTP endpoints, WebSocket). Transports hand it upgraded
 * connections through {@link #accept}.
 */
@Singleton
@Startup
public class DerpServer {

    private static final Logger LOG = Logger.getLogger(DerpServer.class);

    @Inject
    RelayConfig config;
    @Inject
    DerpMetrics metrics;
    @Inject
    ClientAdmission admission;
    @Inject
    ReadThrottle readThrottle;
    @Inject
    ServerInfoProvider serverInfoProvider;
    @Inject
    HttpEndpoints httpEndpoints;
    @Inject
    WebSocketUpgrade webSocketUpgrade;
    @Inject
    TransportMetrics transportMetrics;
    @Inject
    ConnectionEventLog connectionLog;

    private final SecureRandom random = new SecureRandom();
    private final BoxNonces boxNonces = new BoxNonces(random);
    private final Set<DerpConnection> connections = ConcurrentHashMap.newKeySet();
    private ClientRegistry registry;
    private ReceiveBudget receiveBudget;
    private NodePrivateKey privateKey;
    private Optional<byte[]> meshKey;
    private volatile boolean shuttingDown;

    @PostConstruct
    void init() {
        registry = new ClientRegistry(metrics);
        receiveBudget = new ReceiveBudget(config.handshakeBufferBudget().asLongValue(),
                config.establishedBufferBudget().asLongValue(), transportMetrics);
        meshKey = config.meshKeyFile().map(DerpServer::readMeshKeyFile)
                .or(() -> config.meshKey().map(hex -> parseMeshKey(hex, "waystation.relay.mesh-key")));
        if (config.mode() == RelayConfig.Mode.DEV) {
            privateKey = NodePrivateKey.generate(random);
            LOG.infof("dev mode: fresh server key %s", privateKey.publicKey());
        } else {
            try {
                privateKey = ServerKeyFile.loadOrCreate(config.keyFile(), random);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load or create the server key file " + config.keyFile(), e);
            }
            LOG.infof("server key %s from %s", privateKey.publicKey(), config.keyFile());
        }
    }

    private static byte[] readMeshKeyFile(Path file) {
        try {
            return parseMeshKey(Files.readString(file), "the mesh key file " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mesh key file " + file + " (waystation.relay.mesh-key-file)",
                    e);
        }
    }

    private static byte[] parseMeshKey(String hex, String origin) {
        String trimmed = hex.trim();
        if (trimmed.length() != 2 * Protocol.KEY_LENGTH || !trimmed.matches("[0-9a-fA-F]+")) {
            throw new IllegalArgumentException(origin + " must hold 64 hex characters (got " + trimmed.length()
                    + " characters)");
        }
        return HexFormat.of().parseHex(trimmed);
    }

    /**
     * Runs DERP over {@code transport} (on its event loop): sends ServerKey, then expects ClientInfo.
     * {@code leftover} holds bytes received after the request head (may be null); ownership passes.
     */
    public void accept(DerpTransport transport, HttpRequestHead upgrade, ByteBuf leftover) {
        metrics.accepts.increment();
        if (shuttingDown) {
            if (leftover != null) {
                leftover.release();
            }
            transport.close();
            return;
        }
        DerpConnection connection = new DerpConnection(this, transport, upgrade);
        connections.add(connection);
        connection.start(leftover);
    }

    /** The registry's consistency problems for {@code /debug/check}; empty when all is well. */
    public List<String> consistencyProblems() {
        return registry.consistencyProblems();
    }

    /** Closes every connection of {@code client} (ClosePeer, or admission re-evaluation). */
    public void closeClient(NodeKey client) {
        for (DerpConnection c : registry.connectionsOf(client)) {
            c.transportLoop().execute(c::close);
        }
    }

    /**
     * Keys of the connected clients other than mesh peers (admitted or being admitted), for the
     * live re-evaluation of admission when policy changes. A racy but safe snapshot.
     */
    public Set<NodeKey> connectedClients() {
        Set<NodeKey> keys = new HashSet<>();
        for (DerpConnection c : connections) {
            NodeKey key = c.key();
            if (key != null && !c.isMeshPeer()) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** Mesh seam: {@code key} is reachable through {@code forwarder}. */
    public void addPacketForwarder(NodeKey key, PacketForwarder forwarder) {
        registry.addPacketForwarder(key, forwarder);
    }

    public void removePacketForwarder(NodeKey key, PacketForwarder forwarder) {
        registry.removePacketForwarder(key, forwarder);
    }

    public NodeKey publicKey() {
        return privateKey.publicKey();
    }

    public boolean isKeyLoaded() {
        return privateKey != null;
    }

    /**
     * Graceful shutdown: refuses new connections, sends every client a Restarting frame, stops
     * reading, waits until queued packets are written or {@code grace} passes, then closes all.
     */
    public void shutdown(Duration grace) {
        shuttingDown = true;
        long deadline = System.nanoTime() + grace.toNanos();
        List<DerpConnection> all = new ArrayList<>(connections);
        LOG.infof("graceful shutdown: %d connections, up to %s", all.size(), grace);
        for (DerpConnection c : all) {
            c.transportLoop().execute(() -> c.restarting(config.restartReconnectIn().toMillis(),
                    config.restartTryFor().toMillis()));
        }
        while (System.nanoTime() < deadline && !all.stream().allMatch(DerpConnection::isDrainedRacy)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (DerpConnection c : all) {
            c.transportLoop().execute(c::close);
        }
    }

    void closed(DerpConnection connection) {
        connections.remove(connection);
    }

    int connectionCount() {
        return connections.size();
    }

    RelayConfig config() {
        return config;
    }

    DerpMetrics metrics() {
        return metrics;
    }

    /** Transport bounds' metrics; public for the WebSocket transport and endpoints. */
    public TransportMetrics transportMetrics() {
        return transportMetrics;
    }

    /** Rate-limited log lines about refused or failed connections. */
    public ConnectionEventLog connectionLog() {
        return connectionLog;
    }

    ReceiveBudget receiveBudget() {
        return receiveBudget;
    }

    ClientRegistry registry() {
        return registry;
    }

    /** The server's identity; outbound mesh links authenticate with it, as derper's do. */
    public NodePrivateKey privateKey() {
        return privateKey;
    }

    /** The mesh key's 32 bytes (a copy), if one is configured: outbound mesh links present it. */
    public Optional<byte[]> meshKey() {
        return meshKey.map(byte[]::clone);
    }

    BoxNonces boxNonces() {
        return boxNonces;
    }

    ClientAdmission admission() {
        return admission;
    }

    ReadThrottle readThrottle() {
        return readThrottle;
    }

    ServerInfoProvider serverInfoProvider() {
        return serverInfoProvider;
    }

    HttpEndpoints httpEndpoints() {
        return httpEndpoints;
    }

    WebSocketUpgrade webSocketUpgrade() {
        return webSocketUpgrade;
    }
}

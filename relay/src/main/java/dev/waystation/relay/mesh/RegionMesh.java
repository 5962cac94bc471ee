package dev.waystation.relay.mesh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.waystation.relay.derp.DerpListeners;
import dev.waystation.relay.derp.DerpServer;
import dev.waystation.relay.derp.ListenerSpec;
import dev.waystation.relay.derp.RelayConfig;
import dev.waystation.relay.derp.RelayHostname;
import dev.waystation.relay.tls.FileChangeWatcher;
import dev.waystation.relay.tls.TlsConfig;
import io.micrometer.core.instrument.Meter;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.TrustOptions;

/**
 * The relay's side of the region mesh: one {@link MeshLink} per peer of {@code mesh-with} and of
 * {@code mesh-with-file}, the latter re-read while running so that a region scales without restarts
 * (derper reads its list once). Its own entry is skipped: same name and the public or the listening
 * port, and failing that, a peer presenting our own server key. Links are TLS with certificate
 * verification for the entry's name in production, plain HTTP in dev mode (logged at start).
 */
@Singleton
public class RegionMesh {

    private static final Logger LOG = Logger.getLogger(RegionMesh.class);
    /** Starts after the DERP listeners are bound (their port identifies our own entry) and stops after they drain. */
    private static final int AFTER_LISTENERS = Interceptor.Priority.APPLICATION + 1000;

    @Inject
    Vertx vertx;
    @Inject
    MeshConfig config;
    @Inject
    RelayConfig relayConfig;
    @Inject
    DerpServer server;
    @Inject
    DerpListeners listeners;
    @Inject
    MeshMetrics metrics;
    @Inject
    TlsConfig tlsConfig;

    private final SecureRandom random = new SecureRandom();
    private final Map<MeshPeerAddress, Entry> links = new LinkedHashMap<>();
    private MeshRoutes routes;
    private NetClient netClient;
    private byte[] meshKey;
    private boolean tls;
    private String selfName;
    private int selfPort;
    private FileChangeWatcher peerFileWatcher;
    private MeshTrust trust;
    private List<String> lastErrors = List.of();

    private record Entry(MeshLink link, List<Meter> meters) {
    }

    void start(@Observes @Priority(AFTER_LISTENERS) StartupEvent event) {
        if (config.meshWith().isEmpty() && config.meshWithFile().isEmpty()) {
            return;
        }
        meshKey = server.meshKey().orElseThrow(() -> new IllegalStateException("waystation.relay.mesh-with needs "
                + "a mesh key: set waystation.relay.mesh-key-file (as derper's -mesh-with needs -mesh-psk-file)"));
        tls = relayConfig.mode() == RelayConfig.Mode.PRODUCTION;
        selfName = RelayHostname.of(relayConfig);
        selfPort = listeners.port(ListenerSpec.DERP);
        routes = new MeshRoutes(server, metrics);
        if (tls) {
            trust = new MeshTrust(config.meshCaFile(), metrics);
            watching(() -> trust.start(tlsConfig.reloadCheckInterval()));
        }
        netClient = vertx.createNetClient(clientOptions());
        LOG.infof("region mesh: %s links (%s), peers from %s%s", tls ? "TLS" : "plain-HTTP (dev mode)",
                tls ? "certificates verified for each peer's name against " + trust.describe() : "no TLS",
                config.meshWith().map(Object::toString).orElse("[]"),
                config.meshWithFile().map(f -> " and " + f + " (re-read when it changes, checked every "
                        + config.meshWithReloadInterval() + ")").orElse(""));
        reload();
        if (config.meshWithFile().isPresent()) {
            // Watched, so a Secret or ConfigMap update (a symlink swap) applies at once; polled as a safety net.
            watching(() -> {
                peerFileWatcher = new FileChangeWatcher(Set.of(config.meshWithFile().get()),
                        config.meshWithReloadInterval(), this::reload);
                peerFileWatcher.start();
            });
        }
    }

    /** Something that starts watching files: the file system's watch service may refuse. */
    private interface FileWatchStart {
        void run() throws IOException;
    }

    private static void watching(FileWatchStart start) {
        try {
            start.run();
        } catch (IOException e) {
            throw new UncheckedIOException("region mesh: cannot watch its files: " + e.getMessage(), e);
        }
    }

    private NetClientOptions clientOptions() {
        NetClientOptions options = new NetClientOptions().setTcpNoDelay(true).setTcpKeepAlive(true)
                .setConnectTimeout((int) config.meshDialTimeout().toMillis());
        if (tls) {
            // The TLS stack verifies the chain; the link checks the peer's name itself on the leaf
            // (MeshLink), since it dials an address that need not be that name. Vert.x wants the
            // algorithm stated: none at the engine, because the link owns the name check.
            options.setSsl(true).setHostnameVerificationAlgorithm("");
            // Asked on every handshake, so a changed mesh CA file applies to the next dial. The operator
            // points Manual regions at the TLS Secret's optional ca.crt: without one the certificates
            // chain to a CA the JVM already trusts (say, Let's Encrypt), so peers are still verified.
            options.setTrustOptions(TrustOptions.wrap(trust));
        }
        return options;
    }

    /** Reads the peer list again and starts or stops links to match it. */
    synchronized void reload() {
        List<String> texts = new ArrayList<>(config.meshWith().orElse(List.of()));
        if (config.meshWithFile().isPresent()) {
            Optional<String> file = readPeerFile();
            if (file.isEmpty()) {
                return; // unreadable now: the last good list stays
            }
            texts.add(file.get());
        }
        MeshPeerList list = MeshPeerList.parse(texts);
        if (!list.errors().equals(lastErrors)) {
            list.errors().forEach(error -> LOG.errorf("region mesh: %s; entry left out", error));
            lastErrors = list.errors();
        }
        metrics.invalidPeerEntries.set(list.errors().size());
        Set<MeshPeerAddress> wanted = new java.util.LinkedHashSet<>();
        for (MeshPeerAddress peer : list.peers()) {
            if (!isSelf(peer)) {
                wanted.add(peer);
            }
        }
        for (MeshPeerAddress gone : new ArrayList<>(links.keySet())) {
            if (!wanted.contains(gone)) {
                Entry entry = links.remove(gone);
                LOG.infof("region mesh: peer %s left the list", gone.label());
                entry.link().stop();
                metrics.unregister(entry.meters());
            }
        }
        for (MeshPeerAddress peer : wanted) {
            if (!links.containsKey(peer)) {
                MeshLink link = new MeshLink(peer, this, vertx.getOrCreateContext());
                links.put(peer, new Entry(link, metrics.register(link)));
                LOG.infof("region mesh: peer %s (dial %s:%d)", peer.label(), peer.dialHost(), peer.dialPort());
                link.start();
            }
        }
        metrics.peers.set(links.size());
    }

    private Optional<String> readPeerFile() {
        try {
            return Optional.of(Files.readString(config.meshWithFile().get()));
        } catch (NoSuchFileException e) {
            LOG.warnf("region mesh: peer file %s does not exist (yet); keeping the current peers", e.getFile());
        } catch (IOException e) {
            LOG.warnf("region mesh: cannot read the peer file: %s; keeping the current peers", e.toString());
        }
        return Optional.empty();
    }

    /** derper lets a node list itself; so do we: same name, on the public (443) or our listening port. */
    private boolean isSelf(MeshPeerAddress peer) {
        return peer.name().equalsIgnoreCase(selfName)
                && (peer.port() == MeshPeerAddress.DEFAULT_PORT || peer.port() == selfPort);
    }

    void stop(@Observes @Priority(AFTER_LISTENERS) ShutdownEvent event) {
        if (peerFileWatcher != null) {
            peerFileWatcher.close();
        }
        if (trust != null) {
            trust.close();
        }
        synchronized (this) {
            for (Entry entry : links.values()) {
                entry.link().stop();
            }
        }
    }

    /** Every link, for /debug/mesh. */
    synchronized Collection<MeshLink> links() {
        return links.values().stream().map(Entry::link).toList();
    }

    boolean enabled() {
        return routes != null;
    }

    String selfName() {
        return selfName;
    }

    Vertx vertx() {
        return vertx;
    }

    MeshConfig config() {
        return config;
    }

    NetClient netClient() {
        return netClient;
    }

    boolean tls() {
        return tls;
    }

    DerpServer server() {
        return server;
    }

    byte[] meshKey() {
        return meshKey;
    }

    SecureRandom random() {
        return random;
    }

    MeshRoutes routes() {
        return routes;
    }
}

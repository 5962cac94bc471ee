package dev.waystation.relay.derp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * Binds the relay's public TCP listeners on Vert.x core (not Quarkus' HTTP server): each listener
 * once per event loop on the same port, so connections spread over the loops. Dev mode: plain
 * DERP on 127.0.0.1:3340. Production: TLS DERP on 443 plus the plain port-80 helper.
 */
@ApplicationScoped
public class DerpListeners {

    private static final Logger LOG = Logger.getLogger(DerpListeners.class);
    private static final int DEV_PORT = 3340;
    private static final int TLS_PORT = 443;
    private static final String DEV_HOST = "127.0.0.1";
    private static final String ANY_HOST = "0.0.0.0";
    /** Outbound buffer per connection above which a connection counts as not writable (write deadline runs). */
    private static final int WRITE_HIGH_WATER_MARK = 128 * 1024;
    /**
     * Largest buffer one socket read fills (Netty's adaptive sizing, from 2 KiB). Netty's default of
     * 64 KiB is above what its pool caches per event loop (32 KiB), so each such read went to the pool's
     * arena, whose chunks (4 MiB, zeroed when made) were made and freed again and again at peak load;
     * a client's reads rarely hold more than a window of packets anyway.
     */
    private static final int MAX_READ_BUFFER = 32 * 1024;
    /** Netty's own smallest and first read buffer sizes. */
    private static final int MIN_READ_BUFFER = 64;
    private static final int FIRST_READ_BUFFER = 2048;
    /**
     * Reads per socket per event loop pass: Netty's default for a stream channel. A replacement
     * allocator starts at 1, which made a busy socket wait a whole pass for each further read.
     */
    private static final int READS_PER_PASS = 16;
    private static final RecvByteBufAllocator READ_BUFFERS = new AdaptiveRecvByteBufAllocator(
            MIN_READ_BUFFER, FIRST_READ_BUFFER, MAX_READ_BUFFER).maxMessagesPerRead(READS_PER_PASS);

    @Inject
    Vertx vertx;
    @Inject
    RelayConfig config;
    @Inject
    DerpServer server;
    @Inject
    ConnectionAcceptHook acceptHook;
    @Inject
    Instance<ListenerTls> tls;

    private final List<String> deployments = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> boundPorts = new ConcurrentHashMap<>();
    private volatile boolean bound;
    private volatile boolean accepting = true;
    private volatile List<ListenerSpec> specs = List.of();

    void start(@Observes StartupEvent event) throws Exception {
        specs = listenerSpecs();
        int loops = config.eventLoops().orElse(defaultEventLoops(Runtime.getRuntime().availableProcessors()));
        LOG.infof("network transport: %s", vertx.isNativeTransportEnabled() ? "native (epoll)"
                : "NIO (native transport unavailable: " + vertx.unavailableNativeTransportCause() + ")");
        for (int i = 0; i < specs.size(); i++) {
            bind(specs.get(i), i, loops).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        bound = true;
    }

    /**
     * One event loop per two processors, at least one. Most relayed packets cross from the sender's
     * loop to the receiver's, and each crossing is a task handed to a loop that has often gone to
     * sleep, paid for in wake-ups and context switches (figures in BENCHMARKS.md). Processors left
     * over serve the kernel's network stack and whatever shares the machine; a relay with cores to
     * itself and more traffic than one loop carries sets {@code waystation.relay.event-loops}.
     */
    static int defaultEventLoops(int processors) {
        return Math.max(1, processors / 2);
    }

    /** What to bind for the configured mode. */
    List<ListenerSpec> listenerSpecs() {
        List<ListenerSpec> list = new ArrayList<>();
        if (config.mode() == RelayConfig.Mode.DEV) {
            list.add(new ListenerSpec(ListenerSpec.DERP, config.host().orElse(DEV_HOST), config.port().orElse(DEV_PORT),
                    false, true));
        } else {
            String host = config.host().orElse(ANY_HOST);
            list.add(new ListenerSpec(ListenerSpec.DERP, host, config.port().orElse(TLS_PORT), true, true));
            if (config.httpPort() >= 0) {
                list.add(new ListenerSpec(ListenerSpec.HTTP, host, config.httpPort(), false, false));
            }
        }
        return list;
    }

    private Future<Void> bind(ListenerSpec spec, int index, int instances) {
        NetServerOptions options = new NetServerOptions().setHost(spec.host()).setTcpNoDelay(true)
                .setTcpKeepAlive(true).setReuseAddress(true);
        if (spec.tls()) {
            if (!tls.isResolvable()) {
                return Future.failedFuture(new IllegalStateException("listener " + spec.name()
                        + " needs TLS but no certificate provider is installed"));
            }
            tls.get().configure(spec, options);
            // The head timer starts once Vert.x hands over the connection, after the TLS handshake;
            // the same deadline bounds that handshake.
            options.setSslHandshakeTimeout(config.headTimeout().toMillis())
                    .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        }
        // Vert.x shares one port among servers of the same host and port; a free port is asked for
        // with a negative number, unique per listener, so that its instances share what was picked.
        int port = spec.port() == 0 ? -(index + 1) : spec.port();
        return vertx.deployVerticle(() -> new ListenerVerticle(spec, options, port),
                new DeploymentOptions().setInstances(instances))
                .map(id -> {
                    deployments.add(id);
                    return null;
                })
                .onSuccess(v -> LOG.infof("listener %s on %s:%d (%s, DERP %s, %d event loops)", spec.name(),
                        spec.host(), boundPorts.get(spec.name()), spec.tls() ? "TLS" : "plain",
                        spec.servesDerp() ? "yes" : "no", instances))
                .mapEmpty();
    }

    /** True once every listener is bound. */
    public boolean isBound() {
        return bound;
    }

    /** The port a listener is bound to ({@link ListenerSpec#DERP} or {@link ListenerSpec#HTTP}), or -1. */
    public int port(String listener) {
        return boundPorts.getOrDefault(listener, -1);
    }

    void stop(@Observes ShutdownEvent event) {
        // Not ready any more, and new connections are closed at once; existing ones drain first,
        // because closing a Vert.x server also closes its connections.
        bound = false;
        accepting = false;
        server.shutdown(config.shutdownGracePeriod());
        for (String id : deployments) {
            try {
                vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debugf("undeploying listener %s: %s", id, e.toString());
            }
        }
    }

    /** One NetServer of a listener, on one event loop. */
    private final class ListenerVerticle extends AbstractVerticle {
        private final ListenerSpec spec;
        private final NetServerOptions options;
        private final int port;

        ListenerVerticle(ListenerSpec spec, NetServerOptions options, int port) {
            this.spec = spec;
            this.options = options;
            this.port = port;
        }

        @Override
        public void start(Promise<Void> started) {
            NetServer netServer = vertx.createNetServer(new NetServerOptions(options).setPort(port));
            netServer.connectHandler(socket -> {
                NetSocketInternal internal = (NetSocketInternal) socket;
                SocketAddress remote = socket.remoteAddress();
                InetSocketAddress inet = remote == null ? null
                        : new InetSocketAddress(remote.hostAddress(), remote.port());
                if (!accepting || !acceptHook.accept(inet, spec)) {
                    socket.close();
                    return;
                }
                ChannelConfig channelConfig = internal.channelHandlerContext().channel().config();
                channelConfig.setWriteBufferHighWaterMark(WRITE_HIGH_WATER_MARK);
                channelConfig.setRecvByteBufAllocator(READ_BUFFERS);
                new ListenerConnection(server, spec, internal).start();
            });
            netServer.listen().onSuccess(s -> {
                boundPorts.putIfAbsent(spec.name(), s.actualPort());
                started.complete();
            }).onFailure(started::fail);
        }
    }
}

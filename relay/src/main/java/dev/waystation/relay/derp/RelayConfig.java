package dev.waystation.relay.derp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** DERP listeners, mode, keys and shutdown ({@code waystation.relay.*}). */
@ConfigMapping(prefix = "waystation.relay")
public interface RelayConfig {

    /** How the relay runs. */
    enum Mode {
        /** Like {@code derper -dev}: plain HTTP DERP on 127.0.0.1:3340, a fresh random key each start. */
        DEV,
        /** TLS DERP on 443 plus a plain-HTTP helper on 80, key persisted in {@link #keyFile()}. */
        PRODUCTION
    }

    @WithDefault("dev")
    Mode mode();

    /** Address the listeners bind; dev mode binds loopback unless set. */
    Optional<String> host();

    /** DERP port: default 3340 in dev mode (plain), 443 in production (TLS); 0 picks a free port. */
    OptionalInt port();

    /** Plain-HTTP helper port in production (captive-portal checks, redirects); -1 disables, 0 picks a free one. */
    @WithDefault("80")
    int httpPort();

    /** The server's key file, JSON {@code {"PrivateKey":"privkey:<hex>"}} as derper writes it; created 0600 if absent. */
    @WithDefault("/var/lib/waystation/derper.key")
    Path keyFile();

    /** Hostname the relay is reached by (TLS name), unless {@link #nodeHostnames()} names it. */
    @WithDefault("localhost")
    String hostname();

    /**
     * The hostnames of every node of this relay's region, in node order; with {@link #nodeIndex()} they
     * name this relay (the operator sets both: one pod template serves every node of a StatefulSet).
     */
    Optional<List<String>> nodeHostnames();

    /** This relay's index among its region's nodes (its StatefulSet pod ordinal). */
    Optional<Integer> nodeIndex();

    /** Mesh pre-shared key: 64 hex characters. Clients presenting it are mesh peers (privileged). */
    Optional<String> meshKey();

    /**
     * File holding the mesh key (derper's {@code -mesh-psk-file}: 64 hex characters, surrounding
     * whitespace ignored); takes precedence over {@link #meshKey()}.
     */
    Optional<Path> meshKeyFile();

    /**
     * Event loops serving DERP connections; defaults to one per two processors, at least one. Each
     * listener is bound once per event loop (connections are spread round-robin).
     */
    OptionalInt eventLoops();

    /** Per-frame write deadline: a receiver that takes longer to accept a frame is disconnected. */
    @WithDefault("2s")
    Duration writeTimeout();

    /** Write deadline for mesh peers. */
    @WithDefault("30s")
    Duration meshWriteTimeout();

    /** Packets queued per destination connection (and again for disco packets) before head drops. */
    @WithDefault("32")
    int perClientSendQueueDepth();

    /** Base keep-alive interval; each connection adds its own random jitter below {@link #keepAliveJitter()}. */
    @WithDefault("60s")
    Duration keepAlive();

    @WithDefault("5s")
    Duration keepAliveJitter();

    /** Time a new connection has to complete the handshake (ServerKey, ClientInfo, admission). */
    @WithDefault("10s")
    Duration handshakeTimeout();

    /**
     * Time a connection has, from accept and again after each answered keep-alive request, to send a
     * complete HTTP request head (derper: 30 s). Closes idle sockets, slowloris heads and TLS
     * sessions that never send a request.
     */
    @WithDefault("30s")
    Duration headTimeout();

    /**
     * Pipelined requests answered on one connection whose responses the socket has not yet taken;
     * at this depth (or when the socket is not writable) the connection stops reading until the
     * client reads.
     */
    @WithDefault("8")
    int httpPipelineDepth();

    /** Received bytes all connections may hold before their handshake completes (request heads, ClientInfo). */
    @WithDefault("16M")
    MemorySize handshakeBufferBudget();

    /** Received bytes all admitted connections may hold in partial frames; above it they pause reading. */
    @WithDefault("64M")
    MemorySize establishedBufferBudget();

    /** Liveness: how long a probe task may wait for a DERP event loop before the relay reports DOWN. */
    @WithDefault("10s")
    Duration eventLoopStallLimit();

    /** Graceful shutdown: clients get a Restarting frame and this long to drain before the process exits. */
    @WithDefault("10s")
    Duration shutdownGracePeriod();

    /** Restarting frame: how soon clients should reconnect. */
    @WithDefault("1s")
    Duration restartReconnectIn();

    /** Restarting frame: how long clients should keep trying. */
    @WithDefault("30s")
    Duration restartTryFor();
}

package dev.waystation.relay.mesh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The outbound region mesh ({@code waystation.relay.mesh-*}): which peers to dial, how to trust them,
 * and how links come back. The mesh key itself is the DERP server's ({@code waystation.relay.mesh-key-file}).
 */
@ConfigMapping(prefix = "waystation.relay")
public interface MeshConfig {

    /**
     * Peers to mesh with, as derper's {@code -mesh-with}: {@code name[:port][/dialhost[:port]]}. The
     * name is what the peer's certificate must carry (and the HTTP Host); the dial host, when given,
     * is where the TCP connection goes. An entry naming this relay is skipped.
     */
    Optional<List<String>> meshWith();

    /**
     * A file listing more peers in the same form (separated by commas, spaces or new lines; {@code #}
     * starts a comment), re-read when it changes (a Kubernetes volume's symlink swap included) and every
     * {@link #meshWithReloadInterval()} as a safety net: peers come and go without a restart.
     */
    Optional<Path> meshWithFile();

    @WithDefault("5s")
    Duration meshWithReloadInterval();

    /**
     * PEM file of the CAs that sign peer certificates, or of the peers' own self-signed certificates,
     * re-read when it changes ({@link MeshTrust}). Without it, or while the file does not exist, the JVM's
     * default trust store is used. Peer certificates are always verified for the entry's name; there is no switch to skip it.
     */
    Optional<Path> meshCaFile();

    /** First reconnect delay after a link fails; doubles per failure up to {@link #meshReconnectMax()}, with jitter. */
    @WithDefault("250ms")
    Duration meshReconnectMin();

    @WithDefault("5s")
    Duration meshReconnectMax();

    /** Budget for TCP, TLS, the HTTP upgrade and the DERP handshake of one attempt. */
    @WithDefault("10s")
    Duration meshDialTimeout();

    /** A link silent this long is dead (peers send a KeepAlive every 60 s). */
    @WithDefault("120s")
    Duration meshIdleTimeout();

    /** A link that cannot take a forwarded packet for this long is closed and dialled again (derper: 5 s). */
    @WithDefault("5s")
    Duration meshForwardStallTimeout();
}

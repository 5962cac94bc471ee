package dev.waystation.relay.stun;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Static STUN settings ({@code waystation.stun.*}); policy can switch {@code enabled} and {@code answer-all-clients} live. */
@ConfigMapping(prefix = "waystation.stun")
public interface StunConfig {

    /** Whether the STUN sockets are open at start-up (derper's {@code -stun}). */
    @WithDefault("true")
    boolean enabled();

    /** UDP port (derper's {@code -stun-port}); 0 picks an ephemeral port per socket (tests). */
    @WithDefault("3478")
    int port();

    /**
     * One socket per address. The default {@code ::} is one dual-stack wildcard socket serving IPv4
     * and IPv6 on every interface, as derper does; on a host without IPv6 it falls back to
     * {@code 0.0.0.0}. Listing {@code 0.0.0.0} and {@code ::} together fails on Linux hosts with
     * {@code net.ipv6.bindv6only=0} (the default), since {@code ::} already covers IPv4 there.
     */
    @WithDefault("::")
    List<String> bindAddresses();

    /**
     * Also answer plain RFC 5389/8489 Binding Requests from non-Tailscale clients (general STUN
     * server). Off by default, as in derper, which answers only Tailscale's requests.
     */
    @WithDefault("false")
    boolean answerAllClients();

    /** Sockets per bind address (at least 1), sharing the port through SO_REUSEPORT (native transport only). */
    @WithDefault("1")
    int socketsPerAddress();

    /**
     * Kernel receive buffer per socket ({@code SO_RCVBUF}), in bytes: requests that arrive while the
     * event loop is busy or descheduled wait here instead of being dropped. The kernel caps it at
     * {@code net.core.rmem_max}; 0 keeps the kernel's default ({@code net.core.rmem_default}).
     */
    @WithDefault("4194304")
    int receiveBufferBytes();
}

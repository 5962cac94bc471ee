package dev.waystation.relay.debug;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.waystation.relay.policy.DebugAccessPolicy;
import dev.waystation.relay.policy.RelayPolicy;

/**
 * Who may call {@code /debug/*}: 127.0.0.1 and ::1 always, plus the networks in
 * {@code Debug.AllowedCIDRs}, applied live. derper also trusts every 127/8 address and Tailscale's
 * CGNAT range; Waystation trusts only what is listed, so a second loopback address is a stranger.
 * A request that came through a proxy ({@code X-Forwarded-For}) does not get the loopback pass.
 * A list with a malformed entry is refused whole and the previous list stays in force.
 */
@Singleton
public class DebugAccess {

    private static final Logger LOG = Logger.getLogger(DebugAccess.class);

    @Inject
    RelayPolicy policy;

    private volatile CidrSet allowed = CidrSet.empty();

    @PostConstruct
    void start() {
        policy.debugAccess().bind(this::apply);
    }

    /** Whether a caller at {@code remoteHost} (an IP literal) may use the debug API. */
    public boolean allows(String remoteHost, boolean forwarded) {
        InetAddress address;
        try {
            address = InetAddress.getByName(remoteHost);
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
        if (!forwarded && isLocalhost(address)) {
            return true;
        }
        return allowed.contains(address);
    }

    private static boolean isLocalhost(InetAddress address) {
        byte[] a = CidrSet.canonical(address.getAddress());
        return a.length == 4 ? a[0] == 127 && a[1] == 0 && a[2] == 0 && a[3] == 1 : address.isLoopbackAddress();
    }

    private void apply(DebugAccessPolicy access) {
        try {
            allowed = CidrSet.parse(access.allowedCidrs());
        } catch (IllegalArgumentException e) {
            LOG.errorf("Debug.AllowedCIDRs ignored, the previous list stays: %s", e.getMessage());
        }
    }
}

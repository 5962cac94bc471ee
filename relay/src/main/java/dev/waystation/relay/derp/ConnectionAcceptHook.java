package dev.waystation.relay.derp;

import java.net.InetSocketAddress;

/**
 * Consulted for every new TCP connection on a relay listener before any byte is read (derper's
 * accept-rate limit). Returning false closes the connection at once. The default accepts all.
 */
public interface ConnectionAcceptHook {

    boolean accept(InetSocketAddress remoteAddress, ListenerSpec listener);
}

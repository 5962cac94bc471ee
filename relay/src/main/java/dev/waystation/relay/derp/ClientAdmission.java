package dev.waystation.relay.derp;

import java.net.InetSocketAddress;

import io.vertx.core.Future;

/**
 * Decides whether a client may connect, after its ClientInfo has been opened and before it is
 * registered (derper's {@code -verify-clients} / {@code -verify-client-url} step). Mesh peers bypass
 * it. The default admits everyone; an application bean replaces it. Must not block: return a
 * future. A failed future refuses the client. Runs under the handshake timeout.
 */
public interface ClientAdmission {

    /** Everything known about a client at admission time. */
    record Request(NodeKey client, InetSocketAddress remoteAddress, ClientInfo clientInfo, HttpRequestHead upgrade) {
    }

    Future<Boolean> admit(Request request);
}

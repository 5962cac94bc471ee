package dev.waystation.relay.derp;

import java.net.InetSocketAddress;

import io.vertx.core.MultiMap;

/**
 * One parsed HTTP/1.x request head as it arrived on a relay listener.
 *
 * @param listener the name of the listener that received it ({@link ListenerSpec#name()})
 * @param tls whether it arrived over TLS
 * @param target the request target as sent (path and query)
 * @param headers case-insensitive
 */
public record HttpRequestHead(String listener, boolean tls, String method, String target, String version,
        MultiMap headers, InetSocketAddress remoteAddress) {

    /** The target without its query string. */
    public String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** The query string without {@code ?}, or empty. */
    public String query() {
        int query = target.indexOf('?');
        return query < 0 ? "" : target.substring(query + 1);
    }

    public String header(String name) {
        return headers.get(name);
    }

    /** Whether the client may send another request on this connection after the response. */
    public boolean keepAlive() {
        String connection = headers.get("Connection");
        if (connection != null && connection.toLowerCase(java.util.Locale.ROOT).contains("close")) {
            return false;
        }
        return !"HTTP/1.0".equals(version) && !hasBody();
    }

    /** Whether a body follows the head (this server never reads request bodies). */
    public boolean hasBody() {
        String length = headers.get("Content-Length");
        return headers.contains("Transfer-Encoding") || (length != null && !length.trim().equals("0"));
    }
}

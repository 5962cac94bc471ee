package dev.waystation.relay.derp;

/**
 * Answers every request on a relay listener that is not a DERP or WebSocket upgrade of {@code /derp}
 * (derper's home page, {@code /robots.txt}, {@code /generate_204}, probes, ...). Called on the
 * connection's event loop; must answer through {@link HttpExchange#respond} (or take the socket over).
 */
public interface HttpEndpoints {

    void handle(HttpExchange exchange);
}

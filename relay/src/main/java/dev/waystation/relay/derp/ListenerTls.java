package dev.waystation.relay.derp;

import io.vertx.core.net.NetServerOptions;

/**
 * Supplies TLS for listeners whose {@link ListenerSpec#tls()} is set (certificates, reloading, the
 * SSL engine). Without such a bean those listeners cannot start.
 */
public interface ListenerTls {

    /** Adds TLS (key/certificate, engine, protocols) to the options of {@code listener}. */
    void configure(ListenerSpec listener, NetServerOptions options);
}

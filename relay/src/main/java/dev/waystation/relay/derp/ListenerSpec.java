package dev.waystation.relay.derp;

/**
 * One public TCP listener of the relay.
 *
 * @param name {@code derp} (the main listener) or {@code http} (production's plain port-80 helper)
 * @param port 0 picks a free port
 * @param tls whether TLS is served (options from the {@link ListenerTls} bean)
 * @param servesDerp whether {@code /derp} upgrades are served here (derper's port-80 helper does not)
 */
public record ListenerSpec(String name, String host, int port, boolean tls, boolean servesDerp) {

    public static final String DERP = "derp";
    public static final String HTTP = "http";
}

package dev.waystation.relay.mesh;

/**
 * One {@code mesh-with} entry: {@code name[:port][/dialhost[:port]]}, as derper's {@code -mesh-with}
 * plus ports (derper always dials 443). The name is verified in the peer's certificate and sent as
 * SNI and HTTP Host; the TCP connection goes to the dial host, which defaults to the name.
 *
 * @param name the peer's DERP hostname
 * @param port the port in the peer's URL ({@code https://name:port/derp})
 * @param dialHost where to connect
 * @param dialPort which port to connect to
 */
public record MeshPeerAddress(String name, int port, String dialHost, int dialPort) {

    static final int DEFAULT_PORT = 443;

    /** Parses one entry; throws {@link IllegalArgumentException} naming the entry when it is malformed. */
    public static MeshPeerAddress parse(String entry) {
        String trimmed = entry.trim();
        String[] parts = trimmed.split("/", -1);
        if (parts.length > 2 || parts[0].isEmpty() || (parts.length == 2 && parts[1].isEmpty())) {
            throw new IllegalArgumentException("mesh peer '" + entry + "' is not name[:port][/dialhost[:port]]");
        }
        HostPort name = HostPort.parse(parts[0], DEFAULT_PORT, entry);
        HostPort dial = parts.length == 2 ? HostPort.parse(parts[1], name.port, entry) : name;
        return new MeshPeerAddress(name.host, name.port, dial.host, dial.port);
    }

    /** The peer's name with its port unless that is 443: how the peer appears in logs, metrics and /debug. */
    public String label() {
        return port == DEFAULT_PORT ? name : name + ":" + port;
    }

    /** The HTTP Host header value. */
    String hostHeader() {
        return (name.indexOf(':') >= 0 ? "[" + name + "]" : name) + (port == DEFAULT_PORT ? "" : ":" + port);
    }

    private record HostPort(String host, int port) {
        static HostPort parse(String text, int defaultPort, String entry) {
            String host = text;
            int port = defaultPort;
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("mesh peer '" + entry + "': unclosed '[' in " + text);
                }
                host = text.substring(1, close);
                String rest = text.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw new IllegalArgumentException("mesh peer '" + entry + "': junk after ']' in " + text);
                    }
                    port = port(rest.substring(1), entry);
                }
            } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
                host = text.substring(0, text.indexOf(':'));
                port = port(text.substring(text.indexOf(':') + 1), entry);
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("mesh peer '" + entry + "' has an empty host");
            }
            return new HostPort(host, port);
        }

        private static int port(String text, String entry) {
            try {
                int port = Integer.parseInt(text);
                if (port > 0 && port < 65536) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("mesh peer '" + entry + "': port '" + text + "' is not 1..65535");
        }
    }
}

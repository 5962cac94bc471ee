package dev.waystation.relay.endpoints;

/** The page at {@code /} (and every unknown path): what this server is, with documentation links. */
final class HomePage {

    private HomePage() {
    }

    static String html() {
        return """
                <html><body>
                <h1>DERP</h1>
                <p>
                  This is a DERP relay (Waystation), compatible with <a href="https://tailscale.com/">Tailscale</a> clients.
                </p>
                <p>
                  It relays end-to-end encrypted traffic between Tailscale nodes that cannot reach each other
                  directly, and answers STUN requests so nodes can discover their public address.
                </p>
                <p>
                  Documentation:
                </p>
                <ul>
                  <li><a href="https://tailscale.com/kb/1232/derp-servers">About DERP</a></li>
                  <li><a href="https://pkg.go.dev/tailscale.com/derp">Protocol &amp; Go docs</a></li>
                  <li><a href="https://tailscale.com/kb/1118/custom-derp-servers">Running your own DERP servers</a></li>
                </ul>
                </body>
                </html>
                """;
    }
}

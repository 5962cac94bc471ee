package dev.waystation.relay.tls;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Configuration of a relay process in production mode on loopback, with its TLS files in one directory. */
final class ProductionRelayConfig {

    private ProductionRelayConfig() {
    }

    /**
     * TLS DERP on a free loopback port, the plain-HTTP helper on {@code httpPort} (0: free, -1: none),
     * the server key and {@code tls.crt}/{@code tls.key} in {@code dir}.
     */
    static Map<String, String> of(Path dir, String hostname, int httpPort) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("waystation.relay.mode", "production");
        config.put("waystation.relay.host", "127.0.0.1");
        config.put("waystation.relay.port", "0");
        config.put("waystation.relay.http-port", Integer.toString(httpPort));
        config.put("waystation.relay.hostname", hostname);
        config.put("waystation.relay.key-file", dir.resolve("derper.key").toString());
        config.put("waystation.relay.tls.cert-file", dir.resolve("tls.crt").toString());
        config.put("waystation.relay.tls.key-file", dir.resolve("tls.key").toString());
        return config;
    }
}

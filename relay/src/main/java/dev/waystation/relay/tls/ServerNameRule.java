package dev.waystation.relay.tls;

import java.util.Locale;
import java.util.Optional;

/**
 * Which TLS server names (SNI) manual certificate mode answers, as derper does: exactly
 * the configured hostname, or anything (including no SNI) when the hostname is an IP literal, since
 * clients never send an IP as SNI. Comparison ignores ASCII case, as DNS does.
 */
record ServerNameRule(String hostname, boolean hostnameIsIp) {

    static ServerNameRule forHostname(String hostname) {
        return new ServerNameRule(hostname, IpLiterals.parse(hostname).isPresent());
    }

    boolean accepts(Optional<String> serverName) {
        if (hostnameIsIp) {
            return true;
        }
        return serverName.map(name -> name.toLowerCase(Locale.ROOT).equals(hostname.toLowerCase(Locale.ROOT)))
                .orElse(false);
    }
}

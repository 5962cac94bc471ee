package dev.waystation.relay.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which TLS server names (SNI) the relay answers. As derper in manual mode: the configured hostname,
 * or anything (including no SNI) when the hostname is an IP literal, since clients never send an IP
 * as SNI. Beyond derper, any other name the certificate in use is valid for, and no SNI when that
 * certificate carries an IP address: a node of a Kubernetes region is named by its stable pod DNS
 * name, yet clients may dial the address of its Service, which the operator's certificate also
 * carries. Comparison ignores ASCII case, as DNS does.
 */
record ServerNameRule(String hostname, boolean hostnameIsIp) {

    private static final int SAN_IP = 7;

    static ServerNameRule forHostname(String hostname) {
        return new ServerNameRule(hostname, IpLiterals.parse(hostname).isPresent());
    }

    boolean accepts(Optional<String> serverName, X509Certificate leaf) {
        if (hostnameIsIp) {
            return true;
        }
        if (serverName.isEmpty()) {
            return hasIpAddress(leaf);
        }
        String name = serverName.get();
        return name.toLowerCase(Locale.ROOT).equals(hostname.toLowerCase(Locale.ROOT))
                || HostnameVerifier.matches(leaf, name);
    }

    private static boolean hasIpAddress(X509Certificate leaf) {
        try {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            return names != null && names.stream().anyMatch(name -> (Integer) name.get(0) == SAN_IP);
        } catch (CertificateParsingException e) {
            return false;
        }
    }
}

package dev.waystation.relay.tls;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a certificate is valid for the relay's hostname, by its subject alternative names only
 * (as Go's {@code VerifyHostname}, which derper runs on manual certificates, and modern clients do):
 * an IP SAN equal to an IP hostname, or a DNS SAN equal to the hostname or a {@code *.} wildcard
 * covering exactly its first label.
 */
public final class HostnameVerifier {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private HostnameVerifier() {
    }

    public static boolean matches(X509Certificate certificate, String hostname) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (names == null) {
            return false;
        }
        Optional<InetAddress> ip = IpLiterals.parse(hostname);
        String host = stripTrailingDot(hostname.toLowerCase(Locale.ROOT));
        for (List<?> name : names) {
            int type = (Integer) name.get(0);
            String value = String.valueOf(name.get(1));
            if (ip.isPresent() && type == SAN_IP && IpLiterals.parse(value).equals(ip)) {
                return true;
            }
            if (ip.isEmpty() && type == SAN_DNS && dnsNameMatches(stripTrailingDot(value.toLowerCase(Locale.ROOT)), host)) {
                return true;
            }
        }
        return false;
    }

    private static boolean dnsNameMatches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int firstDot = host.indexOf('.');
            return firstDot > 0 && host.substring(firstDot).equals(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    private static String stripTrailingDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}

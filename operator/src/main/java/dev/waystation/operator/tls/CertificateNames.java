package dev.waystation.operator.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.waystation.tls.SelfSignedCertificate;

/**
 * The DNS and IP subject alternative names of a certificate, normalised ({@link #normalize}) so that a
 * name compares equal however it was spelt (Java prints IPv6 SANs uncompressed).
 */
final class CertificateNames {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private CertificateNames() {
    }

    static Set<String> of(X509Certificate certificate) {
        Set<String> names = new HashSet<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == SAN_DNS || type == SAN_IP) {
                        names.add(normalize(String.valueOf(san.get(1))));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return Set.of();
        }
        return names;
    }

    /** IP literals in Java's canonical form, DNS names in lower case. */
    static String normalize(String name) {
        if (!SelfSignedCertificate.isIpLiteral(name)) {
            return name.toLowerCase(Locale.ROOT);
        }
        try {
            return InetAddress.getByName(name).getHostAddress(); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            return name;
        }
    }
}

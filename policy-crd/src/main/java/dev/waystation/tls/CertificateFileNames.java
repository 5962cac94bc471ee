package dev.waystation.tls;

/**
 * How a relay names the certificate files of a hostname in its certificate directory, as derper's
 * {@code -certdir}: {@code <hostname>.crt} and {@code <hostname>.key}, the hostname stripped of
 * characters outside {@code [A-Za-z0-9.-]} (an IPv6 literal loses its colons). The operator names the
 * keys of its node certificate Secret the same way, so the relay finds its own pair there.
 */
public final class CertificateFileNames {

    private static final String UNSAFE_CHARACTERS = "[^A-Za-z0-9.-]";

    private CertificateFileNames() {
    }

    public static String certificate(String hostname) {
        return baseName(hostname) + ".crt";
    }

    public static String key(String hostname) {
        return baseName(hostname) + ".key";
    }

    private static String baseName(String hostname) {
        return hostname.replaceAll(UNSAFE_CHARACTERS, "");
    }
}

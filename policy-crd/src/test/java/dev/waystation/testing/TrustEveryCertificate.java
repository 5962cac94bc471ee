package dev.waystation.testing;

import java.security.cert.X509Certificate;

import javax.net.ssl.X509TrustManager;

/**
 * A TLS client trust manager that accepts any server: for tests that look at what a server presents
 * (or at anything but the certificate), never for ones about whether it is trusted.
 */
public final class TrustEveryCertificate implements X509TrustManager {

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}

package dev.waystation.relay.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A TLS client for tests that records what the server presents, without judging it. */
final class TlsHandshakes {

    /** What one handshake saw. */
    record Result(List<X509Certificate> chain, String protocol, String alpn) {
    }

    private TlsHandshakes() {
    }

    /** Connects to {@code port} on loopback, sending {@code sni} if not null, offering only {@code protocols}. */
    static Result handshake(int port, String sni, String... protocols) throws IOException {
        return handshakeOffering(port, sni, List.of(), protocols);
    }

    /** As {@link #handshake}, offering the ALPN protocols {@code alpn} (none when empty). */
    static Result handshakeOffering(int port, String sni, List<String> alpn, String... protocols) throws IOException {
        AtomicReference<X509Certificate[]> seen = new AtomicReference<>();
        TrustManager recorder = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen.set(chain);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {recorder}, new SecureRandom());
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
                socket.setSoTimeout(30_000);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
                if (protocols.length > 0) {
                    parameters.setProtocols(protocols);
                }
                if (!alpn.isEmpty()) {
                    parameters.setApplicationProtocols(alpn.toArray(String[]::new));
                }
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                return new Result(Arrays.asList(seen.get()), socket.getSession().getProtocol(),
                        socket.getApplicationProtocol());
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

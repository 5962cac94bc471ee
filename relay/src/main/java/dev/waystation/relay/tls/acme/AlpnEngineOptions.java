package dev.waystation.relay.tls.acme;

import java.util.List;

import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;

/**
 * The DERP listener's TLS engine options with ALPN on, offering {@code http/1.1} (as derper does) and
 * {@code acme-tls/1} (TLS-ALPN-01 validation). Vert.x 4's {@code NetServer} has no option for ALPN
 * protocols (only its HTTP server sets them), so the context factory is asked for them directly.
 * Clients that offer no ALPN, as Tailscale's DERP client, negotiate none, exactly as before.
 */
final class AlpnEngineOptions extends SSLEngineOptions {

    static final List<String> PROTOCOLS = List.of("http/1.1", AcmeChallenges.ACME_TLS_PROTOCOL);

    private final SSLEngineOptions engine;

    AlpnEngineOptions(SSLEngineOptions engine) {
        this.engine = engine;
    }

    @Override
    public SSLEngineOptions copy() {
        return new AlpnEngineOptions(engine.copy());
    }

    @Override
    public SslContextFactory sslContextFactory() {
        SslContextFactory factory = engine.sslContextFactory();
        return new SslContextFactory() {
            @Override
            public SslContextFactory useAlpn(boolean useAlpn) {
                factory.useAlpn(true);
                return this;
            }

            @Override
            public SslContextFactory clientAuth(io.netty.handler.ssl.ClientAuth clientAuth) {
                factory.clientAuth(clientAuth);
                return this;
            }

            @Override
            public SslContextFactory forClient(boolean forClient) {
                factory.forClient(forClient);
                return this;
            }

            @Override
            public SslContextFactory keyMananagerFactory(javax.net.ssl.KeyManagerFactory keyManagerFactory) {
                factory.keyMananagerFactory(keyManagerFactory);
                return this;
            }

            @Override
            public SslContextFactory trustManagerFactory(javax.net.ssl.TrustManagerFactory trustManagerFactory) {
                factory.trustManagerFactory(trustManagerFactory);
                return this;
            }

            @Override
            public SslContextFactory enabledCipherSuites(java.util.Set<String> cipherSuites) {
                factory.enabledCipherSuites(cipherSuites);
                return this;
            }

            @Override
            public SslContextFactory applicationProtocols(List<String> ignored) {
                return this;
            }

            @Override
            public SslContextFactory serverName(String serverName) {
                factory.serverName(serverName);
                return this;
            }

            @Override
            public io.netty.handler.ssl.SslContext create() throws javax.net.ssl.SSLException {
                return factory.useAlpn(true).applicationProtocols(PROTOCOLS).create();
            }
        };
    }
}

package dev.waystation.relay.tls.acme;

import java.util.List;

import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;

/**
 * The DERP listener's TLS engine options with ALPN on, offering {@code http/1.1} (as derper does) and
 * {@code acme-tls/1} (TLS-ALPN-01 validation). Vert.x 4's {@code NetServer} has no option for ALPN
 * protocols (only its HTTP server sets them), so the context factory is asked for them directly.
 * Clients that offer no ALPN, as Tailscale's DERP client, negotiate none, exactly as before. The
 * server context also reads a ClientHello's offer before the engine ({@link TlsAlpnSslContext}), and
 * TLS runs on the connection's own thread (no worker-thread option): the certificate choice must
 * happen inside the step that {@link TlsAlpnValidation} marks.
 */
final class AlpnEngineOptions extends SSLEngineOptions {

    static final List<String> PROTOCOLS = List.of("http/1.1", AcmeChallenges.ACME_TLS_PROTOCOL);

    private final SSLEngineOptions engine;
    private final AcmeChallenges challenges;
    private final TlsAlpnValidation validation;

    AlpnEngineOptions(SSLEngineOptions engine, AcmeChallenges challenges, TlsAlpnValidation validation) {
        this.engine = engine;
        this.challenges = challenges;
        this.validation = validation;
    }

    @Override
    public SSLEngineOptions copy() {
        return new AlpnEngineOptions(engine.copy(), challenges, validation);
    }

    @Override
    public boolean getUseWorkerThread() {
        return false;
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
                io.netty.handler.ssl.SslContext context = factory.useAlpn(true).applicationProtocols(PROTOCOLS).create();
                return context.isClient() ? context : new TlsAlpnSslContext(context, challenges, validation);
            }
        };
    }
}

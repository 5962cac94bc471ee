package dev.waystation.relay.tls.acme;

import java.util.List;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ImmediateExecutor;

/**
 * The OpenSSL engine's server context, unchanged, except that its TLS handlers are
 * {@link TlsAlpnSslHandler}s. Vert.x builds every listener handler through its context, and this is
 * the one place to put a hand on the ClientHello before BoringSSL picks the certificate.
 */
final class TlsAlpnSslContext extends SslContext {

    private final SslContext engines;
    private final AcmeChallenges challenges;
    private final TlsAlpnValidation validation;

    TlsAlpnSslContext(SslContext engines, AcmeChallenges challenges, TlsAlpnValidation validation) {
        this.engines = engines;
        this.challenges = challenges;
        this.validation = validation;
    }

    private SslHandler handler(SSLEngine engine, boolean startTls, Executor executor) {
        return new TlsAlpnSslHandler(engine, startTls, executor, challenges, validation);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls) {
        return handler(newEngine(alloc), startTls, ImmediateExecutor.INSTANCE);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls, Executor executor) {
        return handler(newEngine(alloc), startTls, executor);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls) {
        return handler(newEngine(alloc, peerHost, peerPort), startTls, ImmediateExecutor.INSTANCE);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls,
            Executor executor) {
        return handler(newEngine(alloc, peerHost, peerPort), startTls, executor);
    }

    @Override
    public boolean isClient() {
        return engines.isClient();
    }

    @Override
    public List<String> cipherSuites() {
        return engines.cipherSuites();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
        return engines.applicationProtocolNegotiator();
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc) {
        return engines.newEngine(alloc);
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
        return engines.newEngine(alloc, peerHost, peerPort);
    }

    @Override
    public SSLSessionContext sessionContext() {
        return engines.sessionContext();
    }
}

package dev.waystation.relay.tls.acme;

import java.util.List;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

import dev.waystation.relay.tls.CertifiedKey;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;

/**
 * The DERP listener's TLS handler in ACME mode with TLS-ALPN-01: while a challenge is in flight, it
 * reads the ClientHello before the engine does and, if it offers {@code acme-tls/1} for the challenged
 * hostname (only a CA's validator does), makes the challenge certificate the one this handshake gets
 * ({@link TlsAlpnValidation}). Every other handshake (DERP clients offer no ALPN, browsers and curl
 * offer {@code http/1.1}) is untouched; with no challenge in flight the handler costs one check per
 * connection.
 */
final class TlsAlpnSslHandler extends SslHandler {

    private final AcmeChallenges challenges;
    private final TlsAlpnValidation validation;
    private boolean inspected;
    // Kept for the whole handshake: a HelloRetryRequest moves the certificate choice to a later read.
    private CertifiedKey challenge;

    TlsAlpnSslHandler(SSLEngine engine, boolean startTls, Executor executor, AcmeChallenges challenges,
            TlsAlpnValidation validation) {
        super(engine, startTls, executor);
        this.challenges = challenges;
        this.validation = validation;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws SSLException {
        if (!inspected) {
            if (!challenges.alpnPending()) {
                inspected = true;
            } else if (ClientHelloOffer.missingBytes(in) > 0) {
                return; // the engine, too, waits for the whole record; bounded by the TLS record size
            } else {
                inspected = true;
                ClientHelloOffer offer = ClientHelloOffer.read(in);
                if (offer.offers(AcmeChallenges.ACME_TLS_PROTOCOL)) {
                    challenge = challenges.alpnCertificate(offer.serverName().orElse(null)).orElse(null);
                }
            }
        }
        if (challenge == null) {
            super.decode(ctx, in, out);
        } else {
            validation.during(challenge, () -> super.decode(ctx, in, out));
            if (handshakeFuture().isDone()) {
                challenge = null;
            }
        }
    }
}

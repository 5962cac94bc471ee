package dev.waystation.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.waystation.relay.tls.acme.AcmeChallenges;
import dev.waystation.relay.tls.acme.AcmeChallengesForTests;
import dev.waystation.relay.tls.acme.AcmeSetup;
import dev.waystation.relay.tls.acme.TlsAlpnResponder;
import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

/**
 * A real Vert.x TLS listener set up as in ACME mode with TLS-ALPN-01, on both engines: while a
 * challenge is in flight, only a handshake offering {@code acme-tls/1} for the challenged name gets
 * the challenge certificate (and negotiates {@code acme-tls/1}); clients offering {@code http/1.1}
 * or no ALPN at all, on the same listener at the same time, get the relay's certificate.
 */
class TlsAlpnListenerTest {

    private static final String HOSTNAME = "relay.test";
    private static final String HTTP_1_1 = "http/1.1";

    private final Vertx vertx = Vertx.vertx();
    private final AcmeChallenges challenges = new AcmeChallenges();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private int listen(TlsEngine engine, CertifiedKey relayCertificate) throws Exception {
        assertThat(engine != TlsEngine.OPENSSL || OpenSsl.isAvailable())
                .as("Netty's OpenSSL engine must load: %s", OpenSsl.unavailabilityCause()).isTrue();
        TlsAlpnResponder responder = AcmeSetup.tlsAlpnResponder(challenges);
        ReloadingKeyManager keyManager = new ReloadingKeyManager(ServerNameRule.forHostname(HOSTNAME), List.of());
        keyManager.install(relayCertificate);
        keyManager.override(responder.certificateOverride());
        NetServerOptions options = RelayTls.applyTls(new NetServerOptions().setHost("127.0.0.1").setPort(0), engine,
                keyManager);
        options.setSslEngineOptions(responder.engineOptions(engine.vertxOptions()));
        NetServer server = vertx.createNetServer(options);
        server.connectHandler(socket -> socket.handler(socket::write));
        return server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    @ParameterizedTest
    @EnumSource(TlsEngine.class)
    void onlyTheAcmeTlsOfferGetsTheChallengeCertificateWhileOthersKeepTheRelays(TlsEngine engine) throws Exception {
        CertifiedKey relay = new TestPki("relay CA").issue(HOSTNAME, HOSTNAME);
        CertifiedKey challenge = new TestPki("validation").issue(HOSTNAME, HOSTNAME);
        int port = listen(engine, relay);
        AcmeChallengesForTests.publishAlpn(challenges, HOSTNAME, challenge);

        TlsHandshakes.Result validator = TlsHandshakes.handshakeOffering(port, HOSTNAME,
                List.of(AcmeChallenges.ACME_TLS_PROTOCOL));
        assertThat(validator.chain().get(0)).isEqualTo(challenge.leaf());
        assertThat(validator.alpn()).isEqualTo(AcmeChallenges.ACME_TLS_PROTOCOL);

        TlsHandshakes.Result browser = TlsHandshakes.handshakeOffering(port, HOSTNAME, List.of(HTTP_1_1));
        assertThat(browser.chain().get(0)).isEqualTo(relay.leaf());
        assertThat(browser.alpn()).isEqualTo(HTTP_1_1);

        TlsHandshakes.Result derpClient = TlsHandshakes.handshake(port, HOSTNAME);
        assertThat(derpClient.chain().get(0)).isEqualTo(relay.leaf());
        assertThat(derpClient.alpn()).isNullOrEmpty();

        // TLS 1.2 takes other state machines (BoringSSL's and the JDK's): the same choice must hold there.
        TlsHandshakes.Result validatorTls12 = TlsHandshakes.handshakeOffering(port, HOSTNAME,
                List.of(AcmeChallenges.ACME_TLS_PROTOCOL), "TLSv1.2");
        assertThat(validatorTls12.chain().get(0)).isEqualTo(challenge.leaf());
        TlsHandshakes.Result browserTls12 = TlsHandshakes.handshakeOffering(port, HOSTNAME, List.of(HTTP_1_1),
                "TLSv1.2");
        assertThat(browserTls12.chain().get(0)).isEqualTo(relay.leaf());
    }

    @ParameterizedTest
    @EnumSource(TlsEngine.class)
    void anAcmeTlsOfferWithNoChallengeInFlightGetsTheRelaysCertificate(TlsEngine engine) throws Exception {
        CertifiedKey relay = new TestPki("relay CA").issue(HOSTNAME, HOSTNAME);
        int port = listen(engine, relay);
        AcmeChallengesForTests.publishAlpn(challenges, "other.test", new TestPki("validation").issue("other.test",
                "other.test"));

        TlsHandshakes.Result offered = TlsHandshakes.handshakeOffering(port, HOSTNAME,
                List.of(AcmeChallenges.ACME_TLS_PROTOCOL));
        assertThat(offered.chain().get(0)).isEqualTo(relay.leaf());

        AcmeChallengesForTests.withdrawAlpn(challenges, "other.test");
        assertThat(TlsHandshakes.handshakeOffering(port, HOSTNAME, List.of(AcmeChallenges.ACME_TLS_PROTOCOL))
                .chain().get(0)).isEqualTo(relay.leaf());
    }
}

package dev.waystation.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

/**
 * A real Vert.x TLS listener configured by {@link RelayTls#applyTls}, on both engines: it presents
 * the installed certificate, switches to a newly installed one for new connections, applies the
 * manual-mode SNI rule, speaks TLS 1.2/1.3 only and negotiates no ALPN.
 */
class TlsListenerTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private int listen(TlsEngine engine, ReloadingKeyManager keyManager) throws Exception {
        NetServer server = vertx.createNetServer(RelayTls.applyTls(new NetServerOptions().setHost("127.0.0.1").setPort(0),
                engine, keyManager));
        server.connectHandler(socket -> socket.handler(socket::write));
        return server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    /** A listener on {@code engine} for {@code hostname}, presenting {@code certified} then {@code trailing}. */
    private Listening listenWith(TlsEngine engine, String hostname, CertifiedKey certified,
            X509Certificate... trailing) throws Exception {
        requireEngine(engine);
        ReloadingKeyManager keyManager = new ReloadingKeyManager(ServerNameRule.forHostname(hostname), List.of(trailing));
        keyManager.install(certified);
        return new Listening(listen(engine, keyManager), keyManager);
    }

    private record Listening(int port, ReloadingKeyManager keyManager) {
    }

    @ParameterizedTest
    @EnumSource(TlsEngine.class)
    void presentsTheInstalledChainAndSwitchesOnInstall(TlsEngine engine) throws Exception {
        TestPki pki = new TestPki("test CA");
        CertifiedKey first = pki.issue("relay.test", "relay.test");
        Listening listening = listenWith(engine, "relay.test", first);
        int port = listening.port();

        TlsHandshakes.Result before = TlsHandshakes.handshake(port, "relay.test");
        assertThat(before.chain()).containsExactlyElementsOf(first.chain());
        assertThat(before.protocol()).isEqualTo("TLSv1.3");
        assertThat(before.alpn()).isNullOrEmpty();

        CertifiedKey second = pki.issue("relay.test", "relay.test");
        listening.keyManager().install(second);
        assertThat(TlsHandshakes.handshake(port, "relay.test").chain().get(0)).isEqualTo(second.leaf());
    }

    @ParameterizedTest
    @EnumSource(TlsEngine.class)
    void rejectsOtherServerNamesWhenTheHostnameIsADnsName(TlsEngine engine) throws Exception {
        int port = listenWith(engine, "relay.test", new TestPki("test CA").issue("relay.test", "relay.test")).port();

        assertThatThrownBy(() -> TlsHandshakes.handshake(port, "other.test")).isInstanceOf(SSLException.class);
        assertThatThrownBy(() -> TlsHandshakes.handshake(port, null)).isInstanceOf(SSLException.class);
        assertThat(TlsHandshakes.handshake(port, "RELAY.test").chain()).isNotEmpty();
    }

    @ParameterizedTest
    @EnumSource(TlsEngine.class)
    void acceptsAnyServerNameWhenTheHostnameIsAnIpAndPresentsOnlyTheLeaf(TlsEngine engine) throws Exception {
        CertifiedKey selfSigned = SelfSignedCertificates.forIp(IpLiterals.parse("127.0.0.1").orElseThrow(),
                java.time.Instant.now());
        int port = listenWith(engine, "127.0.0.1", selfSigned).port();

        assertThat(TlsHandshakes.handshake(port, null).chain()).containsExactly(selfSigned.leaf());
        assertThat(TlsHandshakes.handshake(port, "anything.test").chain()).containsExactly(selfSigned.leaf());
    }

    @ParameterizedTest
    @EnumSource(TlsEngine.class)
    void speaksTls12ButNotTls11(TlsEngine engine) throws Exception {
        int port = listenWith(engine, "relay.test", new TestPki("test CA").issue("relay.test", "relay.test")).port();

        assertThat(TlsHandshakes.handshake(port, "relay.test", "TLSv1.2").protocol()).isEqualTo("TLSv1.2");
        assertThatThrownBy(() -> TlsHandshakes.handshake(port, "relay.test", "TLSv1.1")).isInstanceOf(SSLException.class);
    }

    @ParameterizedTest
    @EnumSource(TlsEngine.class)
    void appendsTheMetaCertificateAfterTheChain(TlsEngine engine) throws Exception {
        X509Certificate meta = MetaCertificate.forServerKey(new byte[32], java.time.Instant.now());
        CertifiedKey certified = new TestPki("test CA").issue("relay.test", "relay.test");
        int port = listenWith(engine, "relay.test", certified, meta).port();

        assertThat(TlsHandshakes.handshake(port, "relay.test").chain()).containsExactly(certified.chain().get(0),
                certified.chain().get(1), meta);
    }

    private static void requireEngine(TlsEngine engine) {
        // The OpenSSL engine is a declared dependency for linux-x86_64: not loading is a failure, not a skip.
        if (engine == TlsEngine.OPENSSL) {
            assertThat(OpenSsl.isAvailable()).as("netty-tcnative loads: %s", OpenSsl.unavailabilityCause()).isTrue();
        }
    }
}

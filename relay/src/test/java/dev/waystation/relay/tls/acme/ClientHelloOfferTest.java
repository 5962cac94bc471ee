package dev.waystation.relay.tls.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Reads ClientHellos written by the JDK's own TLS client, whole, cut short and corrupted. */
class ClientHelloOfferTest {

    /** The first flight of a JDK TLS client offering {@code alpn} for {@code sni} (null for none). */
    private static ByteBuf clientHello(String sni, String... alpn) throws Exception {
        SSLEngine client = SSLContext.getDefault().createSSLEngine("relay.test", 443);
        client.setUseClientMode(true);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        parameters.setApplicationProtocols(alpn);
        client.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        return Unpooled.wrappedBuffer(out);
    }

    @Test
    void readsTheServerNameAndAlpnOfferWithoutConsumingTheRecord() throws Exception {
        ByteBuf hello = clientHello("relay.test", "acme-tls/1");
        int readable = hello.readableBytes();

        ClientHelloOffer offer = ClientHelloOffer.read(hello);

        assertThat(offer.serverName()).contains("relay.test");
        assertThat(offer.protocols()).containsExactly("acme-tls/1");
        assertThat(offer.offers(AcmeChallenges.ACME_TLS_PROTOCOL)).isTrue();
        assertThat(hello.readableBytes()).isEqualTo(readable);
        assertThat(ClientHelloOffer.missingBytes(hello)).isZero();
    }

    @Test
    void aBrowserLikeOfferAndNoOfferAtAllAreNotValidations() throws Exception {
        ClientHelloOffer browser = ClientHelloOffer.read(clientHello("relay.test", "h2", "http/1.1"));
        assertThat(browser.protocols()).containsExactly("h2", "http/1.1");
        assertThat(browser.offers(AcmeChallenges.ACME_TLS_PROTOCOL)).isFalse();

        ClientHelloOffer derpClient = ClientHelloOffer.read(clientHello(null));
        assertThat(derpClient.serverName()).isEmpty();
        assertThat(derpClient.protocols()).isEmpty();
    }

    @Test
    void aRecordCutShortIsMissingBytesAndReadsAsNoOffer() throws Exception {
        ByteBuf hello = clientHello("relay.test", "acme-tls/1");
        int full = hello.readableBytes();
        ByteBuf head = hello.slice(0, 3);
        ByteBuf part = hello.slice(0, full - 10);

        assertThat(ClientHelloOffer.missingBytes(head)).isEqualTo(2);
        assertThat(ClientHelloOffer.missingBytes(part)).isEqualTo(10);
        assertThat(ClientHelloOffer.read(part)).isEqualTo(ClientHelloOffer.NONE);
    }

    @Test
    void notTlsOrLengthsThatOverrunTheirContainerReadAsNoOffer() throws Exception {
        ByteBuf http = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(ClientHelloOffer.missingBytes(http)).isZero();
        assertThat(ClientHelloOffer.read(http)).isEqualTo(ClientHelloOffer.NONE);

        ByteBuf corrupt = clientHello("relay.test", "acme-tls/1").copy();
        // The session id length byte (after record header, handshake header, version and random) now
        // claims more bytes than the message holds.
        corrupt.setByte(5 + 4 + 34, 0xff);
        assertThat(ClientHelloOffer.read(corrupt)).isEqualTo(ClientHelloOffer.NONE);

        ByteBuf giant = clientHello("relay.test", "acme-tls/1").copy();
        giant.setShort(3, 0xffff); // a record larger than TLS allows
        assertThat(ClientHelloOffer.missingBytes(giant)).isZero();
        assertThat(ClientHelloOffer.read(giant)).isEqualTo(ClientHelloOffer.NONE);
    }
}

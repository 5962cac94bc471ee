package dev.waystation.relay.stun;

import static dev.waystation.relay.stun.StunPackets.APPENDIX_A_REQUEST;
import static dev.waystation.relay.stun.StunPackets.APPENDIX_A_TXID;
import static dev.waystation.relay.stun.StunPackets.HEX;
import static dev.waystation.relay.stun.StunPackets.attribute;
import static dev.waystation.relay.stun.StunPackets.message;
import static dev.waystation.relay.stun.StunPackets.plainRequest;
import static dev.waystation.relay.stun.StunPackets.software;
import static dev.waystation.relay.stun.StunPackets.tailscaleRequest;
import static dev.waystation.relay.stun.StunPackets.withFingerprint;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Which datagrams get an answer, per spec derp.md section 6 and Appendix A. */
class BindingRequestsTest {

    private static Verdict strict(byte[] datagram) {
        return classify(datagram, false);
    }

    private static Verdict answerAll(byte[] datagram) {
        return classify(datagram, true);
    }

    private static Verdict classify(byte[] datagram, boolean answerAll) {
        ByteBuf buf = Unpooled.directBuffer(datagram.length).writeBytes(datagram);
        try {
            return BindingRequests.classify(buf, answerAll, StunWire.IPV4_RESPONSE_LENGTH);
        } finally {
            buf.release();
        }
    }

    @Test
    void appendixATailscaleRequestIsAnsweredInBothModes() {
        byte[] request = HEX.parseHex(APPENDIX_A_REQUEST);
        assertThat(tailscaleRequest(APPENDIX_A_TXID)).isEqualTo(request);
        assertThat(strict(request)).isEqualTo(Verdict.ANSWER);
        assertThat(answerAll(request)).isEqualTo(Verdict.ANSWER);
    }

    @Test
    void wrongFingerprintIsDropped() {
        byte[] request = HEX.parseHex(APPENDIX_A_REQUEST);
        request[request.length - 1] ^= 1;
        assertThat(strict(request)).isEqualTo(Verdict.BAD_FINGERPRINT);
        assertThat(answerAll(request)).isEqualTo(Verdict.BAD_FINGERPRINT);
    }

    @Test
    void tailscaleSoftwareWithoutFingerprintIsDroppedUnlessAnsweringAll() {
        byte[] request = message(0x0001, APPENDIX_A_TXID, software("tailnode"));
        assertThat(strict(request)).isEqualTo(Verdict.BAD_FINGERPRINT);
        assertThat(answerAll(request)).isEqualTo(Verdict.ANSWER);
    }

    @Test
    void fingerprintMustBeTheLastAttribute() {
        byte[] request = HEX.parseHex(APPENDIX_A_REQUEST);
        byte[] trailing = attribute(0x8023, new byte[4]);
        byte[] extended = Arrays.copyOf(request, request.length + trailing.length);
        System.arraycopy(trailing, 0, extended, request.length, trailing.length);
        extended[3] += trailing.length;
        assertThat(strict(extended)).isEqualTo(Verdict.BAD_FINGERPRINT);
        assertThat(answerAll(extended)).isEqualTo(Verdict.BAD_FINGERPRINT);
    }

    @Test
    void otherSoftwareIsNotATailscaleClient() {
        byte[] request = withFingerprint(message(0x0001, APPENDIX_A_TXID, software("tailnodf")));
        assertThat(strict(request)).isEqualTo(Verdict.NOT_TAILSCALE);
        assertThat(answerAll(request)).isEqualTo(Verdict.ANSWER);
        byte[] longer = withFingerprint(message(0x0001, APPENDIX_A_TXID, software("tailnode2")));
        assertThat(strict(longer)).isEqualTo(Verdict.NOT_TAILSCALE);
    }

    @Test
    void plainRfc5389RequestIsAnsweredOnlyWhenAnsweringAllAndNoShorterThanTheAnswer() {
        assertThat(strict(plainRequest(APPENDIX_A_TXID))).isEqualTo(Verdict.NOT_TAILSCALE);
        // 20 and 28 bytes: the 32-byte answer would amplify.
        assertThat(answerAll(plainRequest(APPENDIX_A_TXID))).isEqualTo(Verdict.AMPLIFICATION);
        byte[] withFingerprint = withFingerprint(plainRequest(APPENDIX_A_TXID));
        assertThat(strict(withFingerprint)).isEqualTo(Verdict.NOT_TAILSCALE);
        assertThat(answerAll(withFingerprint)).isEqualTo(Verdict.AMPLIFICATION);
        byte[] withSoftware = withFingerprint(message(0x0001, APPENDIX_A_TXID, software("client")));
        assertThat(withSoftware.length).isGreaterThanOrEqualTo(StunWire.IPV4_RESPONSE_LENGTH);
        assertThat(answerAll(withSoftware)).isEqualTo(Verdict.ANSWER);
        ByteBuf buf = Unpooled.wrappedBuffer(withSoftware);
        assertThat(BindingRequests.classify(buf, true, StunWire.MAX_RESPONSE_LENGTH)).isEqualTo(Verdict.AMPLIFICATION);
    }

    @Test
    void notStunWhenTooShortTopBitsSetOrCookieMissing() {
        byte[] request = HEX.parseHex(APPENDIX_A_REQUEST);
        assertThat(strict(Arrays.copyOf(request, 19))).isEqualTo(Verdict.NOT_STUN);
        assertThat(strict(new byte[0])).isEqualTo(Verdict.NOT_STUN);
        byte[] topBits = request.clone();
        topBits[0] |= (byte) 0x40;
        assertThat(answerAll(topBits)).isEqualTo(Verdict.NOT_STUN);
        byte[] cookie = request.clone();
        cookie[7] ^= 1;
        assertThat(answerAll(cookie)).isEqualTo(Verdict.NOT_STUN);
    }

    @Test
    void otherMessageTypesAreWrongType() {
        byte[] response = HEX.parseHex("0101000c2112a442000102030405060708090a0b00200008" + "0001f523e112a643");
        assertThat(answerAll(response)).isEqualTo(Verdict.WRONG_TYPE);
        byte[] indication = withFingerprint(message(0x0011, APPENDIX_A_TXID, software("tailnode")));
        assertThat(strict(indication)).isEqualTo(Verdict.WRONG_TYPE);
        byte[] allocate = withFingerprint(message(0x0003, APPENDIX_A_TXID, software("tailnode")));
        assertThat(answerAll(allocate)).isEqualTo(Verdict.WRONG_TYPE);
    }

    @Test
    void attributeLengthsThatLieAreMalformed() {
        byte[] request = HEX.parseHex(APPENDIX_A_REQUEST);
        byte[] longSoftware = request.clone();
        longSoftware[23] = (byte) 0xF0; // SOFTWARE claims 240 bytes
        assertThat(strict(longSoftware)).isEqualTo(Verdict.MALFORMED);
        assertThat(answerAll(longSoftware)).isEqualTo(Verdict.MALFORMED);
        assertThat(strict(Arrays.copyOf(request, request.length - 2))).isEqualTo(Verdict.MALFORMED);
        assertThat(strict(Arrays.copyOf(request, request.length + 2))).isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void headerLengthIsIgnoredForTailscaleLikeDerperButCheckedForOthers() {
        byte[] tailscale = HEX.parseHex(APPENDIX_A_REQUEST);
        tailscale[3] = 0x40; // header claims 64 bytes of attributes; derper walks the datagram instead
        // The fingerprint covers the header, so recompute it over the edited bytes.
        byte[] relied = withFingerprint(Arrays.copyOf(tailscale, tailscale.length - 8));
        relied[3] = 0x40;
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(relied, 0, relied.length - 8);
        java.nio.ByteBuffer.wrap(relied).putInt(relied.length - 4, (int) crc.getValue() ^ 0x5354554E);
        assertThat(strict(relied)).isEqualTo(Verdict.ANSWER);

        byte[] plain = plainRequest(APPENDIX_A_TXID);
        plain[3] = 8;
        assertThat(answerAll(plain)).isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void comprehensionRequiredAttributesAreUnsupported() {
        byte[] username = message(0x0001, APPENDIX_A_TXID, attribute(0x0006, "alice".getBytes()));
        assertThat(answerAll(username)).isEqualTo(Verdict.UNSUPPORTED_ATTRIBUTE);
        byte[] changeRequest = message(0x0001, APPENDIX_A_TXID, attribute(0x0003, new byte[4]));
        assertThat(answerAll(changeRequest)).isEqualTo(Verdict.UNSUPPORTED_ATTRIBUTE);
        assertThat(strict(changeRequest)).isEqualTo(Verdict.NOT_TAILSCALE);
    }

    @Test
    void oversizeDatagramsAreNeverAnswered() {
        byte[] padding = attribute(0x8023, new byte[BindingRequests.MAX_REQUEST_LENGTH]);
        byte[] request = withFingerprint(message(0x0001, APPENDIX_A_TXID, software("tailnode"), padding));
        assertThat(strict(request)).isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void readsInPlaceFromTheReaderIndexAndLeavesIndicesAlone() {
        byte[] request = HEX.parseHex(APPENDIX_A_REQUEST);
        ByteBuf buf = Unpooled.directBuffer(100).writeZero(7).writeBytes(request).writeZero(5);
        ByteBuf datagram = buf.slice(7, request.length);
        assertThat(BindingRequests.classify(datagram, false, StunWire.IPV4_RESPONSE_LENGTH)).isEqualTo(Verdict.ANSWER);
        buf.readerIndex(7).writerIndex(7 + request.length);
        assertThat(BindingRequests.classify(buf, false, StunWire.IPV4_RESPONSE_LENGTH)).isEqualTo(Verdict.ANSWER);
        assertThat(buf.readerIndex()).isEqualTo(7);
        assertThat(buf.writerIndex()).isEqualTo(7 + request.length);
        buf.release();
    }
}

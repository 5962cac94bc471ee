package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;

/** Keys, NaCl boxes and frames against the test vectors of spec Appendix A (libsodium 1.0.18). */
class AppendixAVectorsTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    static final NodePrivateKey SERVER = NodePrivateKey
            .fromBytes(HEX.parseHex("f0c28686025fd561a878202466819bfb888b8a5e7706bb8bdb1f06168cb3017b"));
    static final NodePrivateKey CLIENT = NodePrivateKey
            .fromBytes(HEX.parseHex("a03751d9fe7c212507872d7dc5d8781ecf5fad195057be40de9301b0b06e9e47"));
    static final String SERVER_PUB = "b2169426383adad2a86b2b8829a3ce788b0f68d6947c3729a4b45e2db394e600";
    static final String CLIENT_PUB = "042c63d7b8d2d3809ff9fd574d265264d26f6c4aaa2c5d296ca216b924c57f08";

    private static String hex(ByteBuf buf) {
        try {
            return ByteBufUtil.hexDump(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void publicKeysDeriveFromPrivateKeys() {
        assertThat(SERVER.publicKey().toUntypedHex()).isEqualTo(SERVER_PUB);
        assertThat(CLIENT.publicKey().toUntypedHex()).isEqualTo(CLIENT_PUB);
    }

    @Test
    void keyTextForms() {
        NodeKey key = NodeKey.parse("nodekey:" + CLIENT_PUB);
        assertThat(key).isEqualTo(CLIENT.publicKey());
        assertThat(key.toString()).isEqualTo("nodekey:" + CLIENT_PUB);
        assertThat(NodeKey.parse(CLIENT_PUB.toUpperCase())).isEqualTo(key);
        assertThat(key.shortString()).isEqualTo("[BCxj1]");
        assertThat(NodePrivateKey.parse(CLIENT.toText())).isEqualTo(CLIENT);
        assertThatThrownBy(() -> NodeKey.parse("nodekey:abc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serverKeyFrame() {
        assertThat(hex(Frames.serverKey(ALLOC, SERVER.publicKey())))
                .isEqualTo("0100000028" + "44455250f09f9491" + SERVER_PUB);
    }

    @Test
    void clientInfoSealsAndOpensAsLibsodium() throws Exception {
        byte[] nonce = HEX.parseHex("000102030405060708090a0b0c0d0e0f1011121314151617");
        byte[] json = "{\"version\":2,\"CanAckPings\":true}".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = NaclBox.seal(CLIENT, SERVER.publicKey(), nonce, json);
        assertThat(HEX.formatHex(sealed)).isEqualTo("000102030405060708090a0b0c0d0e0f1011121314151617"
                + "d9e6ac72e625ea4880e110a6264c4345"
                + "bcb6c4232d517e32e3d30827d9c791a014558b10d4423481988486132614c819");
        assertThat(NaclBox.open(SERVER, CLIENT.publicKey(), sealed)).isEqualTo(json);
        ClientInfo info = ClientInfo.parse(json);
        assertThat(info.version()).isEqualTo(2);
        assertThat(info.canAckPings()).isTrue();
        assertThat(info.meshKey()).isEmpty();
    }

    @Test
    void serverInfoFrame() {
        byte[] nonce = HEX.parseHex("aa".repeat(24));
        byte[] sealed = NaclBox.seal(SERVER, CLIENT.publicKey(), nonce, ServerInfo.UNLIMITED.toJson());
        assertThat(hex(Frames.serverInfo(ALLOC, sealed))).isEqualTo("0300000035" + "aa".repeat(24)
                + "667f982ac0ba2a09a9163fb407d3cc0b" + "acd7b4f0dbaa70c1686cac3164");
    }

    @Test
    void tamperedBoxDoesNotOpen() {
        byte[] nonce = new byte[24];
        byte[] sealed = NaclBox.seal(CLIENT, SERVER.publicKey(), nonce, "{}".getBytes());
        sealed[30] ^= 1;
        assertThatThrownBy(() -> NaclBox.open(SERVER, CLIENT.publicKey(), sealed))
                .isInstanceOf(NaclBox.BoxOpenException.class);
    }

    @Test
    void serverFrames() throws Exception {
        NodeKey k = CLIENT.publicKey();
        ByteBuf recv = ALLOC.buffer();
        Frames.writeRecvPacket(recv, k, Unpooled.wrappedBuffer("xabcx".getBytes()), 1, 3);
        assertThat(hex(recv)).isEqualTo("0500000023" + CLIENT_PUB + "616263");
        assertThat(hex(Frames.keepAlive(ALLOC))).isEqualTo("0600000000");
        assertThat(hex(Frames.peerGone(ALLOC, k, PeerGoneReason.NOT_HERE))).isEqualTo("0800000021" + CLIENT_PUB + "01");
        assertThat(hex(Frames.pong(ALLOC, 0x0102030405060708L))).isEqualTo("13000000080102030405060708");
        assertThat(hex(Frames.restarting(ALLOC, 1000, 10000))).isEqualTo("1500000008000003e800002710");
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 54321);
        assertThat(hex(Frames.peerPresent(ALLOC, k, address, PeerPresentFlags.IS_REGULAR))).isEqualTo(
                "0900000033" + CLIENT_PUB + "00000000000000000000ffffc0000201" + "d431" + "01");
    }

    @Test
    void presentFlagsAreNeverZero() {
        assertThat(PeerPresentFlags.of(false, false, false)).isEqualTo(PeerPresentFlags.IS_REGULAR);
        assertThat(PeerPresentFlags.of(false, true, true)).isEqualTo((byte) 0x0C);
        assertThat(PeerPresentFlags.of(true, false, false)).isEqualTo(PeerPresentFlags.IS_MESH_PEER);
    }
}

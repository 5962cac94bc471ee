package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.json.JsonObject;

/**
 * The ClientInfo frame as the server opens it: client key, then a NaCl box sealed to the server key
 * around the ClientInfo JSON. Each input is tried twice: as a frame payload (garbage must fail to open
 * with {@link NaclBox.BoxOpenException}, the real frame below opens and parses), and as the JSON a
 * client seals (sealed, opened back to the same bytes, parsed). Parsing yields a ClientInfo or
 * {@link ClientInfo.InvalidClientInfoException}, never another exception, and what it yields
 * survives being written out again the way Go's client writes it.
 *
 * <p>Seed: the ClientInfo payload Tailscale's {@code derphttp} client sent to a server holding
 * {@link #SERVER_KEY}, from client {@link #CLIENT_KEY} (both test keys made by the interop harness's
 * {@code keygen}), and its JSON.
 */
class ClientInfoFuzzTest {

    static final NodePrivateKey SERVER_KEY =
            NodePrivateKey.parse("privkey:e081c1f5294fed7371869505413be8a9776bda4717847b87264c304627df306f");
    static final NodePrivateKey CLIENT_KEY =
            NodePrivateKey.parse("privkey:20fd3fdc934b0b55021bd60de00c46e177ced71ec5f2589dc38aa037012b575f");
    private static final byte[] NONCE = new byte[Protocol.NONCE_LENGTH];

    @FuzzTest
    void clientInfo(byte[] input) throws Exception {
        openAsFramePayload(input);

        byte[] sealed = NaclBox.seal(CLIENT_KEY, SERVER_KEY.publicKey(), NONCE, input);
        ByteBuf payload = Unpooled.buffer(Protocol.KEY_LENGTH + sealed.length);
        CLIENT_KEY.publicKey().writeTo(payload);
        payload.writeBytes(sealed);
        byte[] opened = open(payload);
        assertThat(opened).as("the box opens to what was sealed").isEqualTo(input);
        parse(opened);
    }

    private static void openAsFramePayload(byte[] input) throws Exception {
        if (input.length < Protocol.KEY_LENGTH + Protocol.NONCE_LENGTH || input.length > Protocol.MAX_CLIENT_INFO_LENGTH) {
            return; // the connection refuses such a frame from its header alone
        }
        byte[] opened;
        try {
            opened = open(Unpooled.wrappedBuffer(input));
        } catch (NaclBox.BoxOpenException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        parse(opened);
    }

    /** What the connection does with a ClientInfo payload before parsing: key, then the box. */
    private static byte[] open(ByteBuf payload) throws NaclBox.BoxOpenException {
        try {
            NodeKey clientKey = NodeKey.fromBuffer(payload, payload.readerIndex());
            byte[] box = new byte[payload.readableBytes() - Protocol.KEY_LENGTH];
            payload.getBytes(payload.readerIndex() + Protocol.KEY_LENGTH, box);
            return NaclBox.open(SERVER_KEY, clientKey, box);
        } finally {
            payload.release();
        }
    }

    private static void parse(byte[] json) {
        ClientInfo info;
        try {
            info = ClientInfo.parse(json);
        } catch (ClientInfo.InvalidClientInfoException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(info.appName()).isNotNull();
        info.meshKey().ifPresent(key -> assertThat(key).hasSize(Protocol.KEY_LENGTH));
        ClientInfo again;
        try {
            again = ClientInfo.parse(goJson(info));
        } catch (ClientInfo.InvalidClientInfoException e) {
            throw new AssertionError("written back as Go writes it, " + info + " no longer parses: " + e.getMessage());
        }
        assertThat(again.version()).isEqualTo(info.version());
        assertThat(again.canAckPings()).isEqualTo(info.canAckPings());
        assertThat(again.isProber()).isEqualTo(info.isProber());
        assertThat(again.appName()).isEqualTo(info.appName());
        assertThat(again.meshKey().isPresent()).isEqualTo(info.meshKey().isPresent());
        info.meshKey().ifPresent(key -> assertThat(Arrays.equals(again.meshKey().get(), key)).isTrue());
    }

    /** The JSON field names Go's {@code derp.ClientInfo} marshals to. */
    private static byte[] goJson(ClientInfo info) {
        JsonObject json = new JsonObject().put("version", info.version()).put("CanAckPings", info.canAckPings())
                .put("IsProber", info.isProber()).put("AppName", info.appName());
        info.meshKey().ifPresent(key -> json.put("meshKey", HexFormat.of().formatHex(key)));
        return json.toBuffer().getBytes();
    }
}

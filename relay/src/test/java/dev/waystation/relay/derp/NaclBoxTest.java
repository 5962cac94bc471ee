package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import software.pando.crypto.nacl.CryptoBox;

/**
 * The box key steps (X25519, HSalsa20) against RFC 7748's and NaCl's published vectors, and whole
 * boxes against an independent implementation: salty-coffee's CryptoBox on the JDK's XDH.
 */
class NaclBoxTest {

    private static final HexFormat HEX = HexFormat.of();
    /** RFC 7748 section 6.1, the same Alice and Bob as NaCl's own box tests. */
    private static final NodePrivateKey ALICE = NodePrivateKey
            .fromBytes(HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    private static final NodePrivateKey BOB = NodePrivateKey
            .fromBytes(HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    private static final String SHARED_SECRET = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    /** NaCl's "firstkey": HSalsa20 of the shared secret, the key every Alice-Bob box uses. */
    private static final String BOX_KEY = "1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389";

    @Test
    void rfc7748PublicKeysAndSharedSecret() {
        assertThat(ALICE.publicKey().toUntypedHex())
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(BOB.publicKey().toUntypedHex())
                .isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        assertThat(HEX.formatHex(ALICE.sharedSecret(BOB.publicKey()))).isEqualTo(SHARED_SECRET);
        assertThat(HEX.formatHex(BOB.sharedSecret(ALICE.publicKey()))).isEqualTo(SHARED_SECRET);
    }

    @Test
    void hsalsa20OfTheSharedSecretIsNaclsBoxKey() {
        assertThat(HEX.formatHex(HSalsa20.ofZeroInput(HEX.parseHex(SHARED_SECRET)))).isEqualTo(BOX_KEY);
    }

    @Test
    void boxesOpenWithTheJdkBasedImplementationBothWays() throws Exception {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 20; i++) {
            NodePrivateKey server = NodePrivateKey.generate(random);
            NodePrivateKey client = NodePrivateKey.generate(random);
            byte[] message = ("{\"version\":2,\"round\":" + i + "}").getBytes(StandardCharsets.UTF_8);

            NaclBox.SharedKey serverSide = NaclBox.sharedKey(server, client.publicKey());
            byte[] ours = NaclBox.seal(serverSide, message, random);
            try (CryptoBox box = CryptoBox.fromCombined(nonce(ours), sealedPart(ours))) {
                assertThat(box.decrypt(CryptoBox.privateKey(raw(client)), CryptoBox.publicKey(
                        server.publicKey().toBytes()))).isEqualTo(message);
            }

            byte[] nonce = new byte[Protocol.NONCE_LENGTH];
            random.nextBytes(nonce);
            try (CryptoBox theirs = CryptoBox.encrypt(CryptoBox.privateKey(raw(client)),
                    CryptoBox.publicKey(server.publicKey().toBytes()), nonce, message)) {
                byte[] framed = concat(nonce, theirs.getCiphertextWithTag());
                assertThat(NaclBox.open(serverSide, framed)).isEqualTo(message);
                assertThat(NaclBox.open(server, client.publicKey(), framed)).isEqualTo(message);
            }
        }
    }

    @Test
    void aBoxUnderAnotherPairsKeyDoesNotOpen() {
        byte[] sealed = NaclBox.seal(ALICE, BOB.publicKey(), "{}".getBytes(StandardCharsets.UTF_8),
                new SecureRandom());
        NodePrivateKey eve = NodePrivateKey.generate(new SecureRandom());
        assertThatThrownBy(() -> NaclBox.open(eve, ALICE.publicKey(), sealed))
                .isInstanceOf(NaclBox.BoxOpenException.class);
    }

    @Test
    void smallOrderPeerKeyIsRefused() {
        // u = 0 and u = 1 have small order: every scalar maps them to an all-zero secret.
        NodeKey zero = NodeKey.fromBytes(new byte[Protocol.KEY_LENGTH]);
        byte[] one = new byte[Protocol.KEY_LENGTH];
        one[0] = 1;
        assertThatThrownBy(() -> NaclBox.sharedKey(ALICE, zero)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("small order");
        assertThatThrownBy(() -> NaclBox.open(ALICE, NodeKey.fromBytes(one), new byte[64]))
                .isInstanceOf(NaclBox.BoxOpenException.class).hasMessageContaining("small order");
    }

    private static byte[] raw(NodePrivateKey key) {
        return HEX.parseHex(key.toText().substring(NodePrivateKey.PREFIX.length()));
    }

    private static byte[] nonce(byte[] framed) {
        return java.util.Arrays.copyOf(framed, Protocol.NONCE_LENGTH);
    }

    private static byte[] sealedPart(byte[] framed) {
        return java.util.Arrays.copyOfRange(framed, Protocol.NONCE_LENGTH, framed.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

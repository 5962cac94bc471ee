package dev.waystation.relay.derp;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * NaCl {@code crypto_box} (X25519, XSalsa20, Poly1305) in the layout DERP's info frames use:
 * {@code nonce (24) ‖ tag (16) ‖ ciphertext}. A box is NaCl's two steps: the {@link SharedKey} of
 * two keys ({@code crypto_box_beforenm}: X25519, then HSalsa20), then a secret box under that key
 * ({@code crypto_secretbox}: XSalsa20-Poly1305). A server's handshake opens the ClientInfo and seals
 * the ServerInfo with the same pair of keys, so it computes the shared key once and uses it twice.
 *
 * <p>Every Salsa20 block here, the box key's HSalsa20 included, goes through BouncyCastle's one
 * Salsa20 core, and nothing per box hashes, looks up a JCA provider or wraps a key object: on a
 * freshly started relay the JIT compiles this handshake path while clients connect, so the fewer and
 * smaller the methods it must compile, the less CPU the first connections cost.
 */
public final class NaclBox {

    /** The secret box's first keystream bytes are the one-time Poly1305 key; the message uses the rest. */
    private static final int MAC_KEY_LENGTH = 32;

    private NaclBox() {
    }

    /** The symmetric key two parties share for every box between them. */
    public static final class SharedKey {
        private final byte[] key;

        private SharedKey(byte[] key) {
            this.key = key;
        }
    }

    /**
     * The box key between {@code self} and {@code peer}, the same from either side.
     *
     * @throws IllegalArgumentException when {@code peer} is a point of small order (no secret to share)
     */
    public static SharedKey sharedKey(NodePrivateKey self, NodeKey peer) {
        return new SharedKey(HSalsa20.ofZeroInput(self.sharedSecret(peer)));
    }

    /** Seals {@code plaintext} under {@code key} with the given nonce. */
    public static byte[] seal(SharedKey key, byte[] nonce, byte[] plaintext) {
        if (nonce.length != Protocol.NONCE_LENGTH) {
            throw new IllegalArgumentException("a nonce is 24 bytes");
        }
        // Laid out as it goes on the wire; the tag's slot first holds the Poly1305 key's keystream.
        byte[] out = new byte[Protocol.NONCE_LENGTH + Protocol.BOX_OVERHEAD + plaintext.length];
        System.arraycopy(nonce, 0, out, 0, Protocol.NONCE_LENGTH);
        int body = Protocol.NONCE_LENGTH + Protocol.BOX_OVERHEAD;
        byte[] macKey = new byte[MAC_KEY_LENGTH];
        XSalsa20Engine stream = stream(key, nonce);
        stream.processBytes(macKey, 0, MAC_KEY_LENGTH, macKey, 0);
        stream.processBytes(plaintext, 0, plaintext.length, out, body);
        tag(macKey, out, body, plaintext.length, out, Protocol.NONCE_LENGTH);
        return out;
    }

    /** Seals under {@code key} with a fresh random nonce. */
    public static byte[] seal(SharedKey key, byte[] plaintext, SecureRandom random) {
        byte[] nonce = new byte[Protocol.NONCE_LENGTH];
        random.nextBytes(nonce);
        return seal(key, nonce, plaintext);
    }

    /** Seals {@code plaintext} from {@code sender} to {@code recipient} with the given nonce. */
    public static byte[] seal(NodePrivateKey sender, NodeKey recipient, byte[] nonce, byte[] plaintext) {
        return seal(sharedKey(sender, recipient), nonce, plaintext);
    }

    /** Seals with a fresh random nonce. */
    public static byte[] seal(NodePrivateKey sender, NodeKey recipient, byte[] plaintext, SecureRandom random) {
        return seal(sharedKey(sender, recipient), plaintext, random);
    }

    /**
     * Opens {@code nonce ‖ tag ‖ ciphertext} sealed under {@code key}.
     *
     * @throws BoxOpenException when the box is too short or does not authenticate
     */
    public static byte[] open(SharedKey key, byte[] nonceAndBox) throws BoxOpenException {
        if (nonceAndBox.length < Protocol.NONCE_LENGTH + Protocol.BOX_OVERHEAD) {
            throw new BoxOpenException("box of " + nonceAndBox.length + " bytes is shorter than nonce and tag");
        }
        byte[] nonce = Arrays.copyOf(nonceAndBox, Protocol.NONCE_LENGTH);
        int body = Protocol.NONCE_LENGTH + Protocol.BOX_OVERHEAD;
        int length = nonceAndBox.length - body;
        byte[] macKey = new byte[MAC_KEY_LENGTH];
        XSalsa20Engine stream = stream(key, nonce);
        stream.processBytes(macKey, 0, MAC_KEY_LENGTH, macKey, 0);
        byte[] expected = new byte[Protocol.BOX_OVERHEAD];
        tag(macKey, nonceAndBox, body, length, expected, 0);
        byte[] tag = Arrays.copyOfRange(nonceAndBox, Protocol.NONCE_LENGTH, body);
        if (!MessageDigest.isEqual(expected, tag)) {
            throw new BoxOpenException("box does not open: authentication tag mismatch");
        }
        byte[] plaintext = new byte[length];
        stream.processBytes(nonceAndBox, body, length, plaintext, 0);
        return plaintext;
    }

    /** XSalsa20 under the box key and nonce, positioned at the start of its keystream. */
    private static XSalsa20Engine stream(SharedKey key, byte[] nonce) {
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key.key), nonce));
        return engine;
    }

    /** Poly1305 of {@code length} bytes of {@code data} from {@code offset}, written to {@code out} at {@code at}. */
    private static void tag(byte[] macKey, byte[] data, int offset, int length, byte[] out, int at) {
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        mac.update(data, offset, length);
        mac.doFinal(out, at);
        Arrays.fill(macKey, (byte) 0);
    }

    /**
     * Opens {@code nonce ‖ tag ‖ ciphertext} sealed to {@code recipient} by {@code sender}.
     *
     * @throws BoxOpenException when the sender's key has small order, or the box is too short or does
     *         not authenticate
     */
    public static byte[] open(NodePrivateKey recipient, NodeKey sender, byte[] nonceAndBox) throws BoxOpenException {
        SharedKey key;
        try {
            key = sharedKey(recipient, sender);
        } catch (IllegalArgumentException e) {
            throw new BoxOpenException("box does not open: " + e.getMessage());
        }
        return open(key, nonceAndBox);
    }

    /** A box that failed to open (wrong keys, tampered, truncated). */
    public static final class BoxOpenException extends Exception {
        private static final long serialVersionUID = 1L;

        BoxOpenException(String message) {
            super(message);
        }
    }
}

package dev.waystation.relay.derp;

import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.SecretKey;

import software.pando.crypto.nacl.SecretBox;

/**
 * NaCl {@code crypto_box} (X25519, XSalsa20, Poly1305) in the layout DERP's info frames use:
 * {@code nonce (24) ‖ tag (16) ‖ ciphertext}. A box is NaCl's two steps: the {@link SharedKey} of
 * two keys ({@code crypto_box_beforenm}: X25519, then HSalsa20), then a secret box under that key
 * (salty-coffee's XSalsa20-Poly1305). A server's handshake opens the ClientInfo and seals the
 * ServerInfo with the same pair of keys, so it computes the shared key once and uses it twice.
 */
public final class NaclBox {

    private NaclBox() {
    }

    /** The symmetric key two parties share for every box between them. */
    public static final class SharedKey {
        private final SecretKey key;

        private SharedKey(SecretKey key) {
            this.key = key;
        }
    }

    /**
     * The box key between {@code self} and {@code peer}, the same from either side.
     *
     * @throws IllegalArgumentException when {@code peer} is a point of small order (no secret to share)
     */
    public static SharedKey sharedKey(NodePrivateKey self, NodeKey peer) {
        return new SharedKey(SecretBox.key(HSalsa20.ofZeroInput(self.sharedSecret(peer))));
    }

    /** Seals {@code plaintext} under {@code key} with the given nonce. */
    public static byte[] seal(SharedKey key, byte[] nonce, byte[] plaintext) {
        if (nonce.length != Protocol.NONCE_LENGTH) {
            throw new IllegalArgumentException("a nonce is 24 bytes");
        }
        try (SecretBox box = SecretBox.encrypt(key.key, nonce, plaintext)) {
            byte[] sealed = box.getCiphertextWithTag();
            byte[] out = Arrays.copyOf(nonce, Protocol.NONCE_LENGTH + sealed.length);
            System.arraycopy(sealed, 0, out, Protocol.NONCE_LENGTH, sealed.length);
            return out;
        }
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
        byte[] sealed = Arrays.copyOfRange(nonceAndBox, Protocol.NONCE_LENGTH, nonceAndBox.length);
        try (SecretBox box = SecretBox.fromCombined(nonce, sealed)) {
            return box.decrypt(key.key);
        } catch (RuntimeException e) {
            throw new BoxOpenException("box does not open: " + e.getMessage());
        }
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

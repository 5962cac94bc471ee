package dev.waystation.relay.derp;

import java.security.SecureRandom;
import java.util.Arrays;

import software.pando.crypto.nacl.CryptoBox;

/**
 * NaCl {@code crypto_box} (X25519, XSalsa20, Poly1305) in the layout DERP's info frames use:
 * {@code nonce (24) ‖ tag (16) ‖ ciphertext}. The cryptography is salty-coffee's.
 */
public final class NaclBox {

    private NaclBox() {
    }

    /** Seals {@code plaintext} from {@code sender} to {@code recipient} with the given nonce. */
    public static byte[] seal(NodePrivateKey sender, NodeKey recipient, byte[] nonce, byte[] plaintext) {
        if (nonce.length != Protocol.NONCE_LENGTH) {
            throw new IllegalArgumentException("a nonce is 24 bytes");
        }
        try (CryptoBox box = CryptoBox.encrypt(sender.jdkKey(), CryptoBox.publicKey(recipient.toBytes()), nonce,
                plaintext)) {
            byte[] sealed = box.getCiphertextWithTag();
            byte[] out = Arrays.copyOf(nonce, Protocol.NONCE_LENGTH + sealed.length);
            System.arraycopy(sealed, 0, out, Protocol.NONCE_LENGTH, sealed.length);
            return out;
        }
    }

    /** Seals with a fresh random nonce. */
    public static byte[] seal(NodePrivateKey sender, NodeKey recipient, byte[] plaintext, SecureRandom random) {
        byte[] nonce = new byte[Protocol.NONCE_LENGTH];
        random.nextBytes(nonce);
        return seal(sender, recipient, nonce, plaintext);
    }

    /**
     * Opens {@code nonce ‖ tag ‖ ciphertext} sealed to {@code recipient} by {@code sender}.
     *
     * @throws BoxOpenException when the box is too short or does not authenticate
     */
    public static byte[] open(NodePrivateKey recipient, NodeKey sender, byte[] nonceAndBox) throws BoxOpenException {
        if (nonceAndBox.length < Protocol.NONCE_LENGTH + Protocol.BOX_OVERHEAD) {
            throw new BoxOpenException("box of " + nonceAndBox.length + " bytes is shorter than nonce and tag");
        }
        byte[] nonce = Arrays.copyOf(nonceAndBox, Protocol.NONCE_LENGTH);
        byte[] sealed = Arrays.copyOfRange(nonceAndBox, Protocol.NONCE_LENGTH, nonceAndBox.length);
        try (CryptoBox box = CryptoBox.fromCombined(nonce, sealed)) {
            return box.decrypt(recipient.jdkKey(), CryptoBox.publicKey(sender.toBytes()));
        } catch (RuntimeException e) {
            throw new BoxOpenException("box does not open: " + e.getMessage());
        }
    }

    /** A box that failed to open (wrong keys, tampered, truncated). */
    public static final class BoxOpenException extends Exception {
        private static final long serialVersionUID = 1L;

        BoxOpenException(String message) {
            super(message);
        }
    }
}

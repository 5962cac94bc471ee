package dev.waystation.relay.derp;

import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.util.Pack;

/**
 * HSalsa20 with a zero input block: turns an X25519 shared secret into the key NaCl's box uses
 * ({@code crypto_box_beforenm}). The 20 Salsa20 rounds are BouncyCastle's; this class only lays out
 * the input and picks the output words.
 */
final class HSalsa20 {

    /** "expand 32-byte k", little-endian words: Salsa20's diagonal constants. */
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    private static final int[] DIAGONAL = {0, 5, 10, 15};
    /** Words 6-9 hold the 16-byte input (all zero for a box key); the output takes them after the diagonal. */
    private static final int[] OUTPUT_WORDS = {0, 5, 10, 15, 6, 7, 8, 9};
    private static final int ROUNDS = 20;

    private HSalsa20() {
    }

    /** HSalsa20(key, 0^16): 32 bytes. */
    static byte[] ofZeroInput(byte[] key) {
        int[] input = new int[16];
        for (int i = 0; i < SIGMA.length; i++) {
            input[DIAGONAL[i]] = SIGMA[i];
        }
        Pack.littleEndianToInt(key, 0, input, 1, 4);
        Pack.littleEndianToInt(key, 16, input, 11, 4);
        int[] mixed = new int[16];
        Salsa20Engine.salsaCore(ROUNDS, input, mixed);
        // salsaCore adds the input back in (the Salsa20 feed-forward); HSalsa20 has none, so take it out.
        byte[] out = new byte[OUTPUT_WORDS.length * Integer.BYTES];
        for (int i = 0; i < OUTPUT_WORDS.length; i++) {
            int word = OUTPUT_WORDS[i];
            Pack.intToLittleEndian(mixed[word] - input[word], out, i * Integer.BYTES);
        }
        return out;
    }
}

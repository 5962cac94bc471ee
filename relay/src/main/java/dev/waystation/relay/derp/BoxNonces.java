package dev.waystation.relay.derp;

import java.security.SecureRandom;

import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Nonces for the ServerInfo boxes: the keystream of XSalsa20 under a key and nonce drawn once from
 * the system's random source, i.e. a stream cipher used as a random generator. A box nonce is sent
 * in the clear and must only never repeat under one key; a keystream does not repeat for 2^70 bytes.
 *
 * <p>Why not {@link SecureRandom} per handshake: the JDK's default reads the OS random device under
 * a process-wide lock and mixes it with SHA-1 on every call, costing each handshake a system call and
 * a fresh relay's JIT another digest to compile; the Salsa20 core here is the one the box uses anyway.
 */
final class BoxNonces {

    private static final int KEY_LENGTH = 32;

    private final XSalsa20Engine keystream = new XSalsa20Engine();

    BoxNonces(SecureRandom seed) {
        byte[] key = new byte[KEY_LENGTH];
        byte[] iv = new byte[Protocol.NONCE_LENGTH];
        seed.nextBytes(key);
        seed.nextBytes(iv);
        keystream.init(true, new ParametersWithIV(new KeyParameter(key), iv));
    }

    /** A fresh 24-byte nonce; any event loop may call it. */
    byte[] next() {
        byte[] nonce = new byte[Protocol.NONCE_LENGTH];
        synchronized (keystream) {
            keystream.processBytes(nonce, 0, nonce.length, nonce, 0);
        }
        return nonce;
    }
}

package dev.waystation.relay.derp;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import software.pando.crypto.nacl.CryptoBox;

/**
 * The server's cryptography per DERP handshake: open the client's ClientInfo box, seal the
 * ServerInfo box. {@code handshake} is the relay's path (one X25519 on BouncyCastle's math, the box key
 * used twice); {@code handshakeJdkXdhTwice} is the earlier path (salty-coffee's CryptoBox, one JDK XDH
 * agreement per box), kept as the reference the change is measured against. {@code x25519} and
 * {@code x25519Jdk} isolate the scalar multiplication. Not a test and not run by {@code verify}; run it
 * as BENCHMARKS.md runs {@code DerpFramePathBenchmarks} ("DERP frame path"), with this class's name. On a
 * busy machine compare CPU time, not these wall-clock scores: measured by thread CPU time on 2 shared
 * vCPUs, {@code handshake} took 94-110 µs, {@code handshakeJdkXdhTwice} 330-380 µs.
 */
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class HandshakeCryptoBenchmarks {

    private final SecureRandom random = new SecureRandom();
    private NodePrivateKey server;
    private NodeKey clientKey;
    private byte[] clientInfoBox;
    private byte[] serverInfo;
    private PrivateKey serverJdk;
    private PublicKey clientJdk;

    @Setup
    public void setUp() {
        server = NodePrivateKey.generate(random);
        NodePrivateKey client = NodePrivateKey.generate(random);
        clientKey = client.publicKey();
        clientInfoBox = NaclBox.seal(client, server.publicKey(),
                "{\"version\":2,\"meshKey\":\"\",\"canAckPings\":true}".getBytes(StandardCharsets.UTF_8), random);
        serverInfo = ServerInfo.UNLIMITED.toJson();
        serverJdk = CryptoBox.privateKey(HexFormat.of().parseHex(server.toText().substring(NodePrivateKey.PREFIX.length())));
        clientJdk = CryptoBox.publicKey(clientKey.toBytes());
    }

    @Benchmark
    public byte[] handshake() throws NaclBox.BoxOpenException {
        NaclBox.SharedKey key = NaclBox.sharedKey(server, clientKey);
        NaclBox.open(key, clientInfoBox);
        return NaclBox.seal(key, serverInfo, random);
    }

    @Benchmark
    public byte[] handshakeJdkXdhTwice() {
        byte[] nonce = Arrays.copyOf(clientInfoBox, Protocol.NONCE_LENGTH);
        try (CryptoBox in = CryptoBox.fromCombined(nonce,
                Arrays.copyOfRange(clientInfoBox, Protocol.NONCE_LENGTH, clientInfoBox.length))) {
            in.decrypt(serverJdk, clientJdk);
        }
        byte[] replyNonce = new byte[Protocol.NONCE_LENGTH];
        random.nextBytes(replyNonce);
        try (CryptoBox out = CryptoBox.encrypt(serverJdk, clientJdk, replyNonce, serverInfo)) {
            return out.getCiphertextWithTag();
        }
    }

    @Benchmark
    public byte[] x25519() {
        return server.sharedSecret(clientKey);
    }

    @Benchmark
    public java.security.Key x25519Jdk() {
        return CryptoBox.agree(serverJdk, clientJdk);
    }
}

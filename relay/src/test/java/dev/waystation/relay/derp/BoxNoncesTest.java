package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import org.junit.jupiter.api.Test;

class BoxNoncesTest {

    @Test
    void noncesNeverRepeatWithinOrAcrossGenerators() {
        SecureRandom seed = new SecureRandom();
        BoxNonces first = new BoxNonces(seed);
        BoxNonces second = new BoxNonces(seed);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            byte[] a = first.next();
            byte[] b = second.next();
            assertThat(a).hasSize(Protocol.NONCE_LENGTH);
            assertThat(seen.add(HexFormat.of().formatHex(a))).isTrue();
            assertThat(seen.add(HexFormat.of().formatHex(b))).isTrue();
        }
    }

    @Test
    void aServerInfoSealedWithItOpens() throws Exception {
        SecureRandom random = new SecureRandom();
        NodePrivateKey server = NodePrivateKey.generate(random);
        NodePrivateKey client = NodePrivateKey.generate(random);
        byte[] sealed = NaclBox.seal(NaclBox.sharedKey(server, client.publicKey()), new BoxNonces(random).next(),
                ServerInfo.UNLIMITED.toJson());
        assertThat(NaclBox.open(client, server.publicKey(), sealed)).isEqualTo(ServerInfo.UNLIMITED.toJson());
    }
}

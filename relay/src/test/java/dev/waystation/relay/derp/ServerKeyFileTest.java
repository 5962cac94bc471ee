package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key file is derper's format, created 0600 when absent and read back unchanged. */
class ServerKeyFileTest {

    @TempDir
    Path dir;

    @Test
    void createsThenReloadsTheSameKey() throws IOException {
        Path file = dir.resolve("sub/derper.key");
        NodePrivateKey created = ServerKeyFile.loadOrCreate(file, new SecureRandom());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).isEqualTo("{\n\t\"PrivateKey\": \"" + created.toText() + "\"\n}\n");
        assertThat(ServerKeyFile.loadOrCreate(file, new SecureRandom())).isEqualTo(created);
    }

    @Test
    void readsADerperKeyFile() throws IOException {
        Path file = dir.resolve("derper.key");
        Files.writeString(file, "{\"PrivateKey\": \"privkey:" + "f0c28686025fd561a878202466819bfb888b8a5e7706bb8bdb1f06168cb3017b\"}");
        assertThat(ServerKeyFile.loadOrCreate(file, new SecureRandom()).publicKey().toUntypedHex())
                .isEqualTo(AppendixAVectorsTest.SERVER_PUB);
    }

    @Test
    void rejectsAMalformedFile() throws IOException {
        Path file = dir.resolve("derper.key");
        Files.writeString(file, "{\"PrivateKey\": \"nodekey:00\"}");
        assertThatThrownBy(() -> ServerKeyFile.loadOrCreate(file, new SecureRandom())).isInstanceOf(IOException.class)
                .hasMessageContaining("privkey:");
    }
}

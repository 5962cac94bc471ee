package dev.waystation.relay.tls.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryAcmeStoreTest {

    @TempDir
    Path dir;

    @Test
    void entriesSurviveANewStoreOnTheSameDirectoryAndStayPrivate() throws Exception {
        Path state = dir.resolve("acme");
        new DirectoryAcmeStore(state).write(Map.of(AcmeStore.ACCOUNT_KEY, "account", AcmeStore.CERTIFICATE, "chain",
                AcmeStore.CERTIFICATE_KEY, "key"));
        DirectoryAcmeStore reopened = new DirectoryAcmeStore(state);
        assertThat(reopened.read(AcmeStore.ACCOUNT_KEY)).containsExactly(Map.entry(AcmeStore.ACCOUNT_KEY, "account"));
        assertThat(reopened.read(AcmeStore.CERTIFICATE)).containsExactly(Map.entry(AcmeStore.CERTIFICATE, "chain"));
        assertThat(reopened.read(AcmeStore.CERTIFICATE_KEY)).containsExactly(Map.entry(AcmeStore.CERTIFICATE_KEY, "key"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(AcmeStore.CERTIFICATE_KEY))))
                .isEqualTo("rw-------");
    }

    @Test
    void aWriteReplacesOnlyItsEntriesAndLeavesNoTemporaryFiles() throws Exception {
        DirectoryAcmeStore store = new DirectoryAcmeStore(dir);
        store.write(Map.of(AcmeStore.ACCOUNT_KEY, "account", AcmeStore.CERTIFICATE, "old"));
        store.write(Map.of(AcmeStore.CERTIFICATE, "new"));
        assertThat(store.read(AcmeStore.ACCOUNT_KEY)).containsExactly(Map.entry(AcmeStore.ACCOUNT_KEY, "account"));
        assertThat(store.read(AcmeStore.CERTIFICATE)).containsExactly(Map.entry(AcmeStore.CERTIFICATE, "new"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder(
                    AcmeStore.ACCOUNT_KEY, AcmeStore.CERTIFICATE);
        }
    }

    @Test
    void aMissingEntryIsEmptyNotAnError() throws Exception {
        assertThat(new DirectoryAcmeStore(dir.resolve("never-written")).read(AcmeStore.CERTIFICATE)).isEmpty();
    }
}

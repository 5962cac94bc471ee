package dev.waystation.relay.tls.acme;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * ACME state as files in one directory (mode 0700, files 0600: it holds private keys). Each entry is
 * written to a temporary file and renamed into place; the key is written before the certificate,
 * so a reader never finds a new certificate next to an old key for longer than one rename.
 */
final class DirectoryAcmeStore implements AcmeStore {

    private final Path dir;

    DirectoryAcmeStore(Path dir) {
        this.dir = dir;
    }

    @Override
    public synchronized Map<String, String> read(String... entries) throws IOException {
        Map<String, String> found = new HashMap<>();
        for (String entry : entries) {
            try {
                found.put(entry, Files.readString(dir.resolve(entry), StandardCharsets.US_ASCII));
            } catch (NoSuchFileException e) {
                // absent: left out
            }
        }
        return found;
    }

    @Override
    public synchronized void write(Map<String, String> entries) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        for (String entry : new String[] {ACCOUNT_KEY, CERTIFICATE_KEY, CERTIFICATE}) {
            String content = entries.get(entry);
            if (content == null) {
                continue;
            }
            Path temporary = Files.createTempFile(dir, "." + entry, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, content, StandardCharsets.US_ASCII);
            Files.move(temporary, dir.resolve(entry), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    @Override
    public String describe() {
        return "directory " + dir;
    }
}

package dev.waystation.relay.derp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The server's private key on disk, in derper's format: {@code {"PrivateKey": "privkey:<hex>"}},
 * tab-indented, created with mode 0600 when absent. So a derper key file moves over unchanged.
 */
final class ServerKeyFile {

    private static final String FIELD = "PrivateKey";

    private ServerKeyFile() {
    }

    /** Reads the key, or creates the file with a fresh key if it does not exist. */
    static NodePrivateKey loadOrCreate(Path file, SecureRandom random) throws IOException {
        if (Files.exists(file)) {
            return read(file);
        }
        NodePrivateKey key = NodePrivateKey.generate(random);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String json = "{\n\t\"" + FIELD + "\": \"" + key.toText() + "\"\n}\n";
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            return read(file);
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return key;
    }

    private static NodePrivateKey read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            String value = new JsonObject(text).getString(FIELD);
            if (value == null) {
                throw new IOException("key file " + file + " has no \"" + FIELD + "\" field");
            }
            return NodePrivateKey.parse(value);
        } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
            throw new IOException("key file " + file + " is not {\"" + FIELD + "\": \"privkey:<64 hex>\"}: "
                    + e.getMessage(), e);
        }
    }
}

package dev.waystation.relay.mesh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A directory laid out as the kubelet mounts a Secret or ConfigMap volume: each file is a symlink
 * {@code name -> ..data/name}, {@code ..data} links to a hidden timestamped directory, and an update
 * writes a new directory and swaps {@code ..data} by renaming a new symlink over it. The visible paths
 * never change; only the symlink in the mounted directory does.
 */
final class SecretVolume {

    private static final String DATA = "..data";

    private final Path dir;
    private final AtomicInteger generation = new AtomicInteger();

    SecretVolume(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** The path a pod reads: {@code <mount>/<name>}. */
    Path path(String name) {
        return dir.resolve(name);
    }

    /** Replaces the volume's content with {@code files} in one atomic symlink swap. */
    void update(Map<String, String> files) {
        try {
            Optional<Path> old = Files.isSymbolicLink(dir.resolve(DATA))
                    ? Optional.of(dir.resolve(Files.readSymbolicLink(dir.resolve(DATA))))
                    : Optional.empty();
            Path version = Files.createDirectory(dir.resolve("..version_" + generation.incrementAndGet()));
            for (Map.Entry<String, String> file : files.entrySet()) {
                Files.writeString(version.resolve(file.getKey()), file.getValue());
            }
            Path tmp = dir.resolve("..data_tmp");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, version.getFileName());
            Files.move(tmp, dir.resolve(DATA), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (String name : files.keySet()) {
                if (!Files.isSymbolicLink(dir.resolve(name))) {
                    Files.createSymbolicLink(dir.resolve(name), Path.of(DATA, name));
                }
            }
            if (old.isPresent()) {
                try (var stale = Files.list(old.get())) {
                    for (Path file : stale.toList()) {
                        Files.delete(file);
                    }
                }
                Files.delete(old.get());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the volume " + dir, e);
        }
    }
}

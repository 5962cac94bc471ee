package dev.waystation.policy.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.waystation.policy.document.DocumentFormat;
import dev.waystation.policy.document.PolicyDocumentException;
import dev.waystation.policy.document.PolicyDocumentParser;

/**
 * A watched policy document file (JSON by {@code .json} name, YAML otherwise). It watches the
 * file's directory, and the directory the file's symlinks resolve to, so the atomic swap of
 * Kubernetes' mounted ConfigMaps (a new {@code ..2026_…} directory, then {@code ..data} renamed
 * over) is seen; a periodic re-check covers missed events. Every event re-reads the file; an
 * unchanged content is ignored; a broken, emptied or vanished file keeps the last good policy and
 * shows the error.
 */
public final class PolicyFile implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PolicyFile.class.getName());

    private final Path path;
    private final DocumentSources sources;
    private final PolicyDocumentParser parser;
    private final Duration recheck;
    private WatchService watcher;
    private Thread thread;
    private final Set<Path> watched = new HashSet<>();
    private byte[] lastContent;
    private boolean everLoaded;

    public PolicyFile(Path path, DocumentSources sources, PolicyDocumentParser parser, Duration recheck) {
        this.path = path.toAbsolutePath();
        this.sources = sources;
        this.parser = parser;
        this.recheck = recheck;
    }

    public Path path() {
        return path;
    }

    /** Loads the file now and starts watching it. */
    public synchronized void start() throws IOException {
        reload();
        watcher = FileSystems.getDefault().newWatchService();
        watchDirectories();
        thread = new Thread(this::watchLoop, "waystation-policy-file");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Reads the file and applies it when its content changed.
     *
     * @return true when a new version was applied
     */
    public synchronized boolean reload() {
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            if (everLoaded) {
                sources.fail(path + ": the policy file is missing");
                lastContent = null;
            }
            return false;
        } catch (IOException e) {
            sources.fail(path + ": cannot read the policy file: " + e);
            lastContent = null;
            return false;
        }
        if (lastContent != null && Arrays.equals(content, lastContent)) {
            return false;
        }
        lastContent = content;
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.isBlank() && everLoaded) {
            // A writer that truncates, then writes, shows an empty file for a moment: never a wipe.
            sources.fail(path + ": the policy file is empty (write '{}' or 'version: 1' to clear the policy)");
            return false;
        }
        try {
            sources.apply(parser.parse(path.toString(), text, DocumentFormat.ofFileName(path.getFileName().toString())));
            everLoaded = true;
            LOG.log(System.Logger.Level.INFO, "loaded policy file " + path);
            return true;
        } catch (PolicyDocumentException e) {
            sources.fail(e.getMessage());
            return false;
        }
    }

    public DocumentStatus status() {
        return sources.status();
    }

    /** Stops watching and unregisters the file's sources. */
    @Override
    public void close() throws IOException {
        Thread running;
        synchronized (this) {
            running = thread;
            if (watcher != null) {
                watcher.close();
            }
        }
        if (running != null) {
            try {
                running.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sources.close();
    }

    private void watchLoop() {
        try {
            while (true) {
                WatchKey key = watcher.poll(recheck.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
                synchronized (this) {
                    watchDirectories();
                    reload();
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed: stop watching
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "policy file watcher for " + path + " stopped", e);
        }
    }

    private void watchDirectories() throws IOException {
        register(path.getParent());
        try {
            register(path.toRealPath().getParent());
        } catch (IOException missing) {
            // not there yet: the parent directory watch sees it appear
        }
    }

    private void register(Path directory) throws IOException {
        if (directory != null && Files.isDirectory(directory) && watched.add(directory)) {
            directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        }
    }
}

package dev.waystation.relay.tls;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * Calls {@code onChange} soon after files may have changed. It watches the directories holding the
 * files and the directories their symlinks resolve to (a Kubernetes Secret volume replaces files by
 * swapping the {@code ..data} symlink in the mounted directory, so the file paths themselves never
 * see an event), and also fires every {@code pollInterval} as a safety net for file systems without
 * change notification. The callback decides whether anything really changed; spurious calls are fine.
 */
public final class FileChangeWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FileChangeWatcher.class);
    private static final long BURST_SETTLE_MILLIS = 100;

    private final Set<Path> files;
    private final Duration pollInterval;
    private final Runnable onChange;
    private final WatchService watchService;
    private final Thread thread;
    private volatile boolean closed;

    public FileChangeWatcher(Set<Path> files, Duration pollInterval, Runnable onChange) throws IOException {
        this.files = Set.copyOf(files);
        this.pollInterval = pollInterval;
        this.onChange = onChange;
        this.watchService = FileSystems.getDefault().newWatchService();
        registerDirectories();
        this.thread = new Thread(this::run, "waystation-file-watcher");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void registerDirectories() {
        Set<Path> directories = new LinkedHashSet<>();
        for (Path file : files) {
            Path absolute = file.toAbsolutePath();
            if (absolute.getParent() != null) {
                directories.add(absolute.getParent());
            }
            try {
                Path real = absolute.toRealPath();
                if (real.getParent() != null) {
                    directories.add(real.getParent());
                }
            } catch (IOException e) {
                // Not there (yet): its directory is watched, and the real path is looked up again on change.
            }
        }
        for (Path directory : directories) {
            if (!Files.isDirectory(directory)) {
                continue;
            }
            try {
                directory.register(watchService, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
            } catch (IOException e) {
                LOG.warnf("cannot watch %s for changes (%s); relying on polling every %s", directory,
                        e.getMessage(), pollInterval);
            }
        }
    }

    private void run() {
        while (!closed) {
            try {
                WatchKey key = watchService.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                    // Writers often touch a file several times; let a burst settle into one check.
                    drainBurst();
                    registerDirectories();
                }
                if (!closed) {
                    onChange.run();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("file change check failed", e);
            }
        }
    }

    private void drainBurst() throws InterruptedException {
        WatchKey more;
        while ((more = watchService.poll(BURST_SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
            more.pollEvents();
            more.reset();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            watchService.close();
        } catch (IOException e) {
            LOG.debug("closing the watch service failed", e);
        }
    }
}

package dev.waystation.policy.source;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.atomic.AtomicLong;

import dev.waystation.policy.document.DocumentFormat;
import dev.waystation.policy.document.PolicyDocument;
import dev.waystation.policy.document.PolicyDocumentException;
import dev.waystation.policy.document.PolicyDocumentParser;

/**
 * A watched policy document file (JSON by {@code .json} name, YAML otherwise). It watches the
 * file's directory, and the directory the file's symlinks resolve to, so the atomic swap of
 * Kubernetes' mounted ConfigMaps (a new {@code ..2026_…} directory, then {@code ..data} renamed
 * over) is seen; a periodic re-check covers missed events.
 *
 * <p>A new content is applied only once it has settled: two reads at least {@link Limits#settle()}
 * apart must return the same bytes, so a file rewritten in place (truncate, then write in chunks) is
 * never applied half-written. A file over {@link Limits#maxBytes()} is refused without being read
 * past the limit. A broken, emptied, oversized or vanished file keeps the last good policy and shows
 * the error. The watcher thread survives any error, out-of-memory included: it logs, counts
 * ({@link #watcherErrors()}) and keeps watching.
 */
public final class PolicyFile implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PolicyFile.class.getName());
    /** How often a forced reload re-reads a file that is still changing before it gives up for now. */
    private static final int MAX_SETTLE_ROUNDS = 10;

    /** Turns a document's text into a document; the parser in production, a stand-in in tests. */
    @FunctionalInterface
    public interface Parser {
        PolicyDocument parse(String name, String text, DocumentFormat format) throws PolicyDocumentException;
    }

    /**
     * @param recheck how often the file is re-read in case a change event was missed
     * @param settle how long a new content must stay unchanged before it is applied
     * @param maxBytes the largest file read; a bigger one is refused
     */
    public record Limits(Duration recheck, Duration settle, long maxBytes) {
        public static final Duration DEFAULT_SETTLE = Duration.ofMillis(250);
        public static final long DEFAULT_MAX_BYTES = 4L << 20;

        public Limits {
            if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("the policy file size limit must be 1.." + (Integer.MAX_VALUE - 8)
                        + " bytes, got " + maxBytes);
            }
        }
    }

    private final Path path;
    private final DocumentSources sources;
    private final Parser parser;
    private final Limits limits;
    private final AtomicLong watcherErrors = new AtomicLong();
    private WatchService watcher;
    private Thread thread;
    private final Set<Path> watched = new HashSet<>();
    private byte[] lastContent;
    private byte[] pendingContent;
    private long pendingSinceNanos;
    private boolean everLoaded;

    public PolicyFile(Path path, DocumentSources sources, PolicyDocumentParser parser, Duration recheck) {
        this(path, sources, parser::parse, new Limits(recheck, Limits.DEFAULT_SETTLE, Limits.DEFAULT_MAX_BYTES));
    }

    public PolicyFile(Path path, DocumentSources sources, Parser parser, Limits limits) {
        this.path = path.toAbsolutePath();
        this.sources = sources;
        this.parser = parser;
        this.limits = limits;
    }

    public Path path() {
        return path;
    }

    /** Loads the file now (waiting for it to settle, bounded) and starts watching it. */
    public void start() throws IOException {
        // Watch before the first read: a write landing between the two would otherwise wait for
        // the next recheck to be seen.
        synchronized (this) {
            watcher = FileSystems.getDefault().newWatchService();
            watchDirectories();
        }
        reload();
        synchronized (this) {
            thread = new Thread(this::watchLoop, "waystation-policy-file");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Reads the file until its content has settled (bounded) and applies it when it changed.
     *
     * @return true when a new version was applied
     */
    public boolean reload() {
        for (int round = 0; round < MAX_SETTLE_ROUNDS; round++) {
            long waitNanos;
            synchronized (this) {
                boolean applied = check();
                if (pendingContent == null) {
                    return applied;
                }
                waitNanos = settleRemainingNanos();
            }
            try {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    public DocumentStatus status() {
        return sources.status();
    }

    /** True while the watcher thread runs (it stops only when the file is closed). */
    public synchronized boolean watching() {
        return thread != null && thread.isAlive();
    }

    /** One read without waiting, as the watcher does on every event: true when it applied a new version. */
    synchronized boolean readOnce() {
        return check();
    }

    /** Errors the watcher caught and survived since start. */
    public long watcherErrors() {
        return watcherErrors.get();
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

    /**
     * One read: a content unlike the applied one becomes pending, and is applied when a later read
     * after the settle time still finds it.
     *
     * @return true when a new version was applied
     */
    private boolean check() {
        byte[] content;
        try {
            content = readCapped();
        } catch (NoSuchFileException e) {
            pendingContent = null;
            if (everLoaded) {
                sources.fail(path + ": the policy file is missing");
                lastContent = null;
            }
            return false;
        } catch (IOException e) {
            pendingContent = null;
            sources.fail(path + ": cannot read the policy file: " + e.getMessage());
            lastContent = null;
            return false;
        }
        if (lastContent != null && Arrays.equals(content, lastContent)) {
            pendingContent = null;
            return false;
        }
        if (pendingContent == null || !Arrays.equals(content, pendingContent)) {
            pendingContent = content;
            pendingSinceNanos = System.nanoTime();
            return false;
        }
        if (settleRemainingNanos() > 0) {
            return false;
        }
        pendingContent = null;
        lastContent = content;
        return apply(content);
    }

    private long settleRemainingNanos() {
        return Math.max(0, limits.settle().toNanos() - (System.nanoTime() - pendingSinceNanos));
    }

    /** The file's bytes; refused without reading past the limit when it is bigger. */
    private byte[] readCapped() throws IOException {
        long size = Files.size(path);
        if (size > limits.maxBytes()) {
            throw tooLarge(size + " bytes");
        }
        try (InputStream in = Files.newInputStream(path)) {
            // The file may grow between the size check and the read: never read past the limit.
            byte[] content = in.readNBytes((int) limits.maxBytes() + 1);
            if (content.length > limits.maxBytes()) {
                throw tooLarge("more than " + limits.maxBytes() + " bytes");
            }
            return content;
        }
    }

    private IOException tooLarge(String size) {
        return new IOException("the file is " + size + ", over the limit of " + limits.maxBytes()
                + " bytes; it was not read");
    }

    private boolean apply(byte[] content) {
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

    private void watchLoop() {
        while (true) {
            try {
                long waitNanos;
                synchronized (this) {
                    waitNanos = pendingContent != null ? settleRemainingNanos() : limits.recheck().toNanos();
                }
                WatchKey key = watcher.poll(Math.max(1, waitNanos), TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
                synchronized (this) {
                    watchDirectories();
                    check();
                }
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            } catch (Throwable e) {
                // Out of memory on a huge document, a bug, a broken directory: this thread is the
                // only one that ever sees a later good file, so it must keep watching.
                survive(e);
            }
        }
    }

    private void survive(Throwable error) {
        watcherErrors.incrementAndGet();
        synchronized (this) {
            // The content that failed stays the last one seen: it is not parsed again (and cannot
            // exhaust the heap again) until the file changes.
            pendingContent = null;
        }
        try {
            sources.fail(path + ": reading the policy file failed: " + error);
            LOG.log(System.Logger.Level.ERROR, "policy file watcher for " + path + " failed; still watching", error);
        } catch (Throwable again) {
            // Nothing left to report with; the counter moved and the loop goes on.
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

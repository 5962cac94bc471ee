package dev.waystation.operator.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides when a watch counts as dead. Fabric8 informers reconnect forever, so "dead" means: stopped
 * after it had run, or not watching (listing again, backing off, refused) for longer than
 * {@code deadAfter}. A watch that reconnects within the bound is alive, but reported.
 *
 * <p>The time without a watch is measured from the first observation that saw it not watching, so it
 * is precise to one observation interval (the kubelet's liveness period).
 */
final class WatchStates {

    /** A watch that is not watching: why, and whether that makes it dead. */
    record Trouble(String reason, boolean dead) {
    }

    private final Duration deadAfter;
    /** Watches seen running: only those can be dead (others may not have started, e.g. on a standby replica). */
    private final Set<String> seenRunning = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> notWatchingSince = new ConcurrentHashMap<>();

    WatchStates(Duration deadAfter) {
        this.deadAfter = deadAfter;
    }

    /** Records one observation of watch {@code name}; its trouble, if it is not watching. */
    Optional<Trouble> observe(String name, boolean running, boolean watching, Instant now) {
        if (!running) {
            notWatchingSince.remove(name);
            return seenRunning.contains(name) ? Optional.of(new Trouble("stopped", true)) : Optional.empty();
        }
        seenRunning.add(name);
        if (watching) {
            notWatchingSince.remove(name);
            return Optional.empty();
        }
        Instant since = notWatchingSince.computeIfAbsent(name, n -> now);
        Duration without = Duration.between(since, now);
        return Optional.of(new Trouble("not watching since " + since + " (" + without.toSeconds()
                + " s; dead after waystation.operator.watch-dead-after " + deadAfter + ")",
                without.compareTo(deadAfter) > 0));
    }
}

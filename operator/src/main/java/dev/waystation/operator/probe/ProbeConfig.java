package dev.waystation.operator.probe;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The prober: how often every published node is checked, and when the DERP map withholds one. */
@ConfigMapping(prefix = "waystation.operator.probe")
public interface ProbeConfig {

    /** Off: no probes, nothing withheld, no probe status. */
    @WithDefault("true")
    boolean enabled();

    /** One round probes every node of every region once per kind (derpprobe: 15 s for each kind). */
    @WithDefault("15s")
    Duration interval();

    /** Budget of one probe; derpprobe gives each probe 80 % of its interval. Unset: 0.8 × interval. */
    Optional<Duration> timeout();

    /** Threads running probes; every probe of a round waits in a queue of {@link #queueCapacity()}. */
    @WithDefault("4")
    int workers();

    /** Probes waiting for a worker; a round that finds the queue full skips (and counts) the rest. */
    @WithDefault("256")
    int queueCapacity();

    /** Failed rounds in a row (DERP round trip or TLS handshake failing) after which the DERP map withholds a node. */
    @WithDefault("3")
    int withholdAfter();

    /** Passed rounds in a row after which a withheld node is published again. */
    @WithDefault("2")
    int restoreAfter();

    /** The TLS probe fails when the certificate expires sooner than this (derpprobe: 7 days). */
    @WithDefault("7d")
    Duration certificateMinLifetime();

    /**
     * PEM file of CAs the prober trusts for names (not pins) instead of the JVM's trust store: for relays
     * whose certificates come from a private CA.
     */
    Optional<Path> caFile();

    /**
     * Latencies and counters reach the DerpRegion status at most this often; a probe turning from pass
     * to fail (or back) and a node withheld or restored are written at once.
     */
    @WithDefault("30s")
    Duration statusRefresh();

    default Duration probeTimeout() {
        return timeout().orElse(interval().multipliedBy(4).dividedBy(5));
    }
}

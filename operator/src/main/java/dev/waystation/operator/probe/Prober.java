package dev.waystation.operator.probe;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.waystation.crd.v1alpha1.DerpMapNode;
import dev.waystation.crd.v1alpha1.DerpMapRegion;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.NodeProbeStatus;
import dev.waystation.operator.ApiWrites;
import dev.waystation.operator.Leadership;
import dev.waystation.operator.derpmap.DerpMapPublisher;
import dev.waystation.operator.events.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Checks every node of the DERP map the operator publishes, as Tailscale's derpprobe does: every
 * {@code interval} a round queues one probe per node and kind (TLS, STUN, DERP, mesh) for a fixed pool
 * of workers. It runs in the operator because the operator already knows every published node and
 * writes what follows from the results: {@code status.probes} and the {@code NodesWithheld} condition
 * of each DerpRegion, Events on each probe turning to failing (Warning) and back (Normal), the
 * Prometheus series, and the nodes the DERP map withholds ({@link WithheldNodes}). Every replica
 * probes (each serves its own DERP map); only the leader writes status and Events.
 */
@ApplicationScoped
public class Prober {

    private static final Logger LOG = Logger.getLogger(Prober.class);

    private final KubernetesClient client;
    private final ProbeConfig config;
    private final DerpMapPublisher publisher;
    private final WithheldNodes withheldNodes;
    private final EventRecorder events;
    private final ApiWrites writes;
    private final MeterRegistry registry;
    private final Leadership leadership;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "probe-rounds"));
    private ThreadPoolExecutor workers;
    private ProbeBook book;
    private ProbeMetrics metrics;
    private NodeProbes probes;
    /** Per region ({@code namespace/name}): when its probe status was last written. */
    private final Map<String, Instant> lastWritten = new HashMap<>();

    @Inject
    public Prober(KubernetesClient client, ProbeConfig config, DerpMapPublisher publisher, WithheldNodes withheldNodes,
            EventRecorder events, ApiWrites writes, MeterRegistry registry, Leadership leadership) {
        this.leadership = leadership;
        this.client = client;
        this.config = config;
        this.publisher = publisher;
        this.withheldNodes = withheldNodes;
        this.events = events;
        this.writes = writes;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event,
            @ConfigProperty(name = "quarkus.operator-sdk.start-operator", defaultValue = "true") boolean operatorStarts) {
        if (!operatorStarts || !config.enabled()) {
            LOG.info("prober off: nodes are published without being probed");
            return;
        }
        AtomicInteger index = new AtomicInteger();
        workers = new ThreadPoolExecutor(config.workers(), config.workers(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.queueCapacity()), r -> daemon(r, "prober-" + index.incrementAndGet()));
        book = new ProbeBook(config.withholdAfter(), config.restoreAfter());
        metrics = new ProbeMetrics(registry, workers, config.queueCapacity());
        probes = new NodeProbes(new NodeDialer(new NodeTrust(config.caFile())), config.probeTimeout(),
                config.certificateMinLifetime());
        rounds.scheduleAtFixedRate(this::round, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
        LOG.infof("prober on: every %s, %d workers, a node withheld after %d failed DERP probes in a row, back after %d passes",
                config.interval(), config.workers(), config.withholdAfter(), config.restoreAfter());
    }

    private void round() {
        try {
            Map<DerpRegion, List<ProbeTarget>> regions = targets();
            List<ProbeTarget> all = regions.values().stream().flatMap(List::stream).toList();
            book.retain(all).forEach(metrics::forget);
            withheldNodes.replace(book.withheldKeys());
            regions.forEach(this::writeStatus);
            regions.forEach((region, targets) -> targets.forEach(target -> {
                for (ProbeKind kind : ProbeKind.values()) {
                    submit(region, target, kind, targets);
                }
            }));
        } catch (RuntimeException e) {
            LOG.warnf("a probe round failed: %s", e.toString());
        }
    }

    /** Every published node, by region, as the DERP map carries it (withheld nodes too: they are probed to come back). */
    private Map<DerpRegion, List<ProbeTarget>> targets() {
        Map<DerpRegion, List<ProbeTarget>> targets = new LinkedHashMap<>();
        for (DerpRegion region : publisher.contributingRegions()) {
            DerpMapRegion fragment = region.getStatus().getDerpMapRegion();
            List<ProbeTarget> nodes = new ArrayList<>();
            for (DerpMapNode node : fragment.getNodes()) {
                nodes.add(new ProbeTarget(region.getMetadata().getNamespace(), region.getMetadata().getName(),
                        fragment.getRegionId(), fragment.getRegionCode(), node));
            }
            targets.put(region, nodes);
        }
        return targets;
    }

    private void submit(DerpRegion region, ProbeTarget target, ProbeKind kind, List<ProbeTarget> regionNodes) {
        if (!book.tryStart(target, kind)) {
            metrics.skippedInFlight();
            return;
        }
        try {
            workers.execute(() -> {
                ProbeOutcome outcome = probes.run(kind, target, regionNodes);
                afterProbe(region, target, outcome);
            });
        } catch (RejectedExecutionException e) {
            book.release(target, kind);
            metrics.skippedQueueFull();
        }
    }

    private void afterProbe(DerpRegion region, ProbeTarget target, ProbeOutcome outcome) {
        ProbeBook.Transition change = book.record(target, outcome, clock.instant());
        ProbeBook.NodeState node = book.snapshot(target.key()).orElse(null);
        if (node == null) {
            return;
        }
        metrics.record(target, outcome, node.kinds.get(outcome.kind()).consecutiveFailures(), node.withheld);
        if (change.withheld() || change.restored()) {
            withheldNodes.replace(book.withheldKeys());
        }
        if (!leadership.isLeader()) {
            return;
        }
        String name = target.nodeName();
        if (change.kindStartedFailing()) {
            events.record(region, EventRecorder.Type.Warning, "ProbeFailing", "node " + name + ": " + outcome.kind().label()
                    + " probe failing: " + outcome.error().orElse("?"));
        }
        if (change.kindRecovered()) {
            events.record(region, EventRecorder.Type.Normal, "ProbeRecovered", "node " + name + ": "
                    + outcome.kind().label() + " probe passes again");
        }
        if (change.withheld()) {
            events.record(region, EventRecorder.Type.Warning, "NodeWithheld", "node " + name
                    + " left out of the DERP map: " + node.reason.orElse(""));
        }
        if (change.restored()) {
            events.record(region, EventRecorder.Type.Normal, "NodeRestored", "node " + name
                    + " is back in the DERP map: its DERP probe passed " + config.restoreAfter() + " times in a row");
        }
        if (change.any()) {
            rounds.execute(() -> targets().forEach(this::writeStatus));
        }
    }

    /** Writes the region's probe status when an outcome changed, or when numbers changed and the last write is old enough. */
    private void writeStatus(DerpRegion region, List<ProbeTarget> targets) {
        if (!leadership.isLeader()) {
            return;
        }
        List<NodeProbeStatus> wanted = targets.stream().map(t -> book.snapshot(t.key()))
                .flatMap(java.util.Optional::stream).map(ProbeStatus::node).toList();
        String key = region.getMetadata().getNamespace() + "/" + region.getMetadata().getName();
        List<NodeProbeStatus> current = region.getStatus().getProbes();
        Instant now = clock.instant();
        boolean outcomeChanged = ProbeStatus.differsInOutcome(current, wanted);
        boolean stale = !wanted.equals(current)
                && lastWritten.getOrDefault(key, Instant.EPOCH).plus(config.statusRefresh()).isBefore(now);
        if (!outcomeChanged && !stale) {
            return;
        }
        try {
            DerpRegion latest = client.resources(DerpRegion.class).inNamespace(region.getMetadata().getNamespace())
                    .withName(region.getMetadata().getName()).get();
            if (latest == null || latest.getStatus() == null) {
                return;
            }
            latest.getStatus().setProbes(wanted);
            ProbeStatus.setCondition(latest.getStatus().getConditions(), wanted, latest.getMetadata().getGeneration(), now);
            client.resource(latest).updateStatus();
            writes.count("DerpRegion/status");
            lastWritten.put(key, now);
        } catch (KubernetesClientException e) {
            // A conflict (the reconciler wrote meanwhile) or an outage: the next round writes again.
            LOG.debugf("probe status of %s not written: %s", key, e.getMessage());
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    @PreDestroy
    void stop() {
        rounds.shutdownNow();
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}

package dev.waystation.operator.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The prober's Prometheus series: per node and kind the last result, duration and failures in a row;
 * per node the certificate's end of validity and whether it is withheld; for the worker pool its
 * queue, active workers and skipped probes. Labels are the region's namespace ({@code region_namespace}:
 * a scrape adds {@code namespace}, the operator's own) and name, the DERP node
 * name and the probe kind, never anything per client. A node leaving the map takes its series along.
 */
final class ProbeMetrics {

    private final MeterRegistry registry;
    /** Per node key: the gauges' holders, and the meters to remove when the node goes. */
    private final Map<String, NodeMeters> nodes = new ConcurrentHashMap<>();
    private final Counter skippedInFlight;
    private final Counter skippedQueueFull;

    private static final class NodeMeters {
        final Map<ProbeKind, AtomicLong> success = new ConcurrentHashMap<>();
        final Map<ProbeKind, AtomicLong> nanos = new ConcurrentHashMap<>();
        final Map<ProbeKind, AtomicLong> failures = new ConcurrentHashMap<>();
        final AtomicLong certificateNotAfter = new AtomicLong();
        final AtomicLong withheld = new AtomicLong();
        final List<Meter> meters = new ArrayList<>();
    }

    ProbeMetrics(MeterRegistry registry, ThreadPoolExecutor pool, int queueCapacity) {
        this.registry = registry;
        Gauge.builder("waystation.operator.probe.queue.depth", pool, p -> p.getQueue().size())
                .description("Probes waiting for a worker").register(registry);
        Gauge.builder("waystation.operator.probe.queue.capacity", () -> queueCapacity)
                .description("Bound of the probe queue (waystation.operator.probe.queue-capacity)").register(registry);
        Gauge.builder("waystation.operator.probe.workers.active", pool, ThreadPoolExecutor::getActiveCount)
                .description("Workers running a probe").register(registry);
        skippedInFlight = skipped("in-flight");
        skippedQueueFull = skipped("queue-full");
    }

    private Counter skipped(String reason) {
        return Counter.builder("waystation.operator.probe.skipped")
                .description("Probes a round did not start: the previous one of that kind on the node still runs, or the queue was full")
                .tag("reason", reason).register(registry);
    }

    void skippedInFlight() {
        skippedInFlight.increment();
    }

    void skippedQueueFull() {
        skippedQueueFull.increment();
    }

    void record(ProbeTarget target, ProbeOutcome outcome, int consecutiveFailures, boolean withheld) {
        NodeMeters node = nodes.computeIfAbsent(target.key(), k -> register(target));
        node.success.get(outcome.kind()).set(outcome.passed() ? 1 : 0);
        node.nanos.get(outcome.kind()).set(outcome.latency().toNanos());
        node.failures.get(outcome.kind()).set(consecutiveFailures);
        outcome.certificateNotAfter().ifPresent(t -> node.certificateNotAfter.set(t.getEpochSecond()));
        node.withheld.set(withheld ? 1 : 0);
    }

    void withheld(ProbeTarget target, boolean withheld) {
        NodeMeters node = nodes.get(target.key());
        if (node != null) {
            node.withheld.set(withheld ? 1 : 0);
        }
    }

    void forget(String key) {
        NodeMeters node = nodes.remove(key);
        if (node != null) {
            node.meters.forEach(registry::remove);
        }
    }

    private NodeMeters register(ProbeTarget target) {
        NodeMeters node = new NodeMeters();
        Tags nodeTags = Tags.of("region_namespace", target.regionNamespace(), "region", target.regionName(),
                "region_id", Integer.toString(target.regionId()), "node", target.nodeName());
        for (ProbeKind kind : ProbeKind.values()) {
            Tags tags = nodeTags.and("kind", kind.label());
            AtomicLong success = new AtomicLong(-1);
            AtomicLong nanos = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            node.success.put(kind, success);
            node.nanos.put(kind, nanos);
            node.failures.put(kind, failures);
            node.meters.add(Gauge.builder("waystation.operator.probe.success", success, AtomicLong::get)
                    .description("1 when the node's last probe of this kind passed, 0 when it failed, -1 before the first")
                    .tags(tags).register(registry));
            node.meters.add(Gauge.builder("waystation.operator.probe.duration.seconds", nanos, n -> n.get() / 1e9)
                    .description("How long the node's last probe of this kind took").tags(tags).register(registry));
            node.meters.add(Gauge.builder("waystation.operator.probe.consecutive.failures", failures, AtomicLong::get)
                    .description("The node's failed probes of this kind in a row").tags(tags).register(registry));
        }
        node.meters.add(Gauge.builder("waystation.operator.probe.certificate.expiry.timestamp.seconds",
                node.certificateNotAfter, AtomicLong::get)
                .description("When the node's TLS certificate expires (Unix time; 0 before a TLS probe saw it)")
                .tags(nodeTags).register(registry));
        node.meters.add(Gauge.builder("waystation.operator.probe.node.withheld", node.withheld, AtomicLong::get)
                .description("1 while the DERP map withholds the node because its DERP probe keeps failing")
                .tags(nodeTags).register(registry));
        return node;
    }
}

package dev.waystation.relay.derp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.jboss.logging.Logger;

import dev.waystation.relay.metrics.TransportMetrics;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Live while every event loop serving DERP still runs tasks: once a second a probe task is queued on
 * each loop, and a loop whose probe has waited longer than
 * {@link RelayConfig#eventLoopStallLimit()} (or that has terminated) turns {@code /q/health/live}
 * DOWN, so Kubernetes restarts a relay that accepts connections but no longer serves them.
 */
@Liveness
@ApplicationScoped
public class EventLoopLiveness implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(EventLoopLiveness.class);
    private static final long PROBE_INTERVAL_MILLIS = 1000;
    private static final long NOT_PENDING = 0;

    @Inject
    Vertx vertx;
    @Inject
    RelayConfig config;
    @Inject
    TransportMetrics metrics;

    /** Per loop: when its pending probe was queued (nanoTime), or {@link #NOT_PENDING}. */
    private final List<AtomicLong> pendingSince = new ArrayList<>();
    private final List<EventExecutor> loops = new ArrayList<>();
    private volatile int stalled;
    private volatile boolean terminated;
    private ScheduledExecutorService watchdog;

    void start(@Observes StartupEvent event) {
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            loops.add(loop);
            pendingSince.add(new AtomicLong(NOT_PENDING));
        }
        watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "event-loop-liveness");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.scheduleWithFixedDelay(this::probe, 0, PROBE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
    }

    private void probe() {
        long now = System.nanoTime();
        long limit = config.eventLoopStallLimit().toNanos();
        int late = 0;
        boolean anyTerminated = false;
        for (int i = 0; i < loops.size(); i++) {
            EventExecutor loop = loops.get(i);
            AtomicLong since = pendingSince.get(i);
            if (loop.isShuttingDown()) {
                anyTerminated = true;
                continue;
            }
            long queued = since.get();
            if (queued == NOT_PENDING) {
                since.set(now);
                try {
                    loop.execute(() -> since.set(NOT_PENDING));
                } catch (RejectedExecutionException e) {
                    anyTerminated = true;
                }
            } else if (now - queued > limit) {
                late++;
            }
        }
        if (late != stalled) {
            LOG.warnf("%d of %d event loops have not run a task for over %s", late, loops.size(),
                    config.eventLoopStallLimit());
        }
        stalled = late;
        terminated = anyTerminated;
        metrics.stalledEventLoops.set(late + (anyTerminated ? 1 : 0));
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("derp-event-loops")
                .status(stalled == 0 && !terminated)
                .withData("event-loops", loops.size())
                .withData("stalled", stalled)
                .withData("terminated", terminated)
                .build();
    }
}

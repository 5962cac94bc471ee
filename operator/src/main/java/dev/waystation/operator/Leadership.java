package dev.waystation.operator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.processing.Controller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Whether this replica holds the operator's Lease. Work every replica does for itself (serving the DERP
 * map, probing) runs regardless; writes to shared objects outside reconciles (the prober's status and
 * Events) happen only on the leader, so two replicas never write the same status.
 */
@Singleton
public class Leadership {

    private static final Logger LOG = Logger.getLogger(Leadership.class);
    /** How often, and at most how long, to look whether JOSDK's event processing runs after the Lease was won. */
    private static final Duration PROCESSING_POLL = Duration.ofMillis(100);
    private static final Duration PROCESSING_WAIT = Duration.ofSeconds(60);

    private final Instance<Operator> operator;
    private final List<Runnable> onLeading = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService waiter = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "waystation-leadership");
        thread.setDaemon(true);
        return thread;
    });
    private final Counter processingWaitTimeouts;
    private volatile boolean leader;

    /** The Operator is looked up when leadership starts: it is built from beans that need this one. */
    @Inject
    public Leadership(Instance<Operator> operator, MeterRegistry registry) {
        this.operator = operator;
        Gauge.builder("waystation.operator.leader", this, l -> l.leader ? 1 : 0)
                .description("1 while this replica holds the operator's Lease, 0 otherwise").register(registry);
        this.processingWaitTimeouts = Counter.builder("waystation.operator.leadership.processing.wait.timeouts")
                .description("times event processing had not started " + PROCESSING_WAIT.toSeconds()
                        + " s after the Lease was won (every region is reconciled anyway)")
                .register(registry);
    }

    public boolean isLeader() {
        return leader;
    }

    /**
     * Runs {@code action} each time this replica becomes the leader, once every controller processes
     * events: JOSDK calls the leadership callback before it starts event processing, and an event
     * handed to a controller not yet processing may be dropped.
     */
    public void whenLeading(Runnable action) {
        onLeading.add(action);
    }

    void started() {
        leader = true;
        Instant deadline = Instant.now().plus(PROCESSING_WAIT);
        waiter.execute(() -> runOnceProcessing(deadline));
    }

    void stopped() {
        leader = false;
    }

    private void runOnceProcessing(Instant deadline) {
        if (!leader) {
            return;
        }
        if (!processing() && Instant.now().isBefore(deadline)) {
            waiter.schedule(() -> runOnceProcessing(deadline), PROCESSING_POLL.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        if (!processing()) {
            processingWaitTimeouts.increment();
            LOG.warnf("event processing did not start within %s of winning the Lease; reconciling every region anyway",
                    PROCESSING_WAIT);
        }
        onLeading.forEach(Runnable::run);
    }

    private boolean processing() {
        for (RegisteredController<?> controller : operator.get().getRuntimeInfo().getRegisteredControllers()) {
            if (controller instanceof Controller<?> processing && !processing.getEventProcessor().isRunning()) {
                return false;
            }
        }
        return true;
    }

    @PreDestroy
    void stop() {
        waiter.shutdownNow();
    }
}

package dev.waystation.operator.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import dev.waystation.operator.derpmap.DerpMapPublisher;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;

/**
 * Liveness DOWN when a watch is dead for good: an informer that ran and has stopped (Fabric8 gave up
 * on it), or the DERP map's DerpRegion watch. A watch that is only reconnecting stays UP (readiness
 * shows that); a stopped one never recovers in this process, so the kubelet should restart it.
 */
@Liveness
@ApplicationScoped
public class WatchLiveness implements HealthCheck {

    private final Operator operator;
    private final DerpMapPublisher derpMap;
    /** Informers seen running: only those can be dead (others may not have started, e.g. on a standby replica). */
    private final Set<String> seenRunning = ConcurrentHashMap.newKeySet();

    @Inject
    public WatchLiveness(Operator operator, DerpMapPublisher derpMap) {
        this.operator = operator;
        this.derpMap = derpMap;
    }

    @Override
    public HealthCheckResponse call() {
        List<String> dead = new ArrayList<>();
        if (!operator.getRuntimeInfo().isStarted()) {
            return HealthCheckResponse.up("Kubernetes watches"); // nothing started yet (or never: tests, standby)
        }
        for (RegisteredController<?> controller : operator.getRuntimeInfo().getRegisteredControllers()) {
            Map<String, InformerWrappingEventSourceHealthIndicator> sources =
                    controller.getControllerHealthInfo().informerEventSourceHealthIndicators();
            for (Map.Entry<String, InformerWrappingEventSourceHealthIndicator> source : sources.entrySet()) {
                Map<String, InformerHealthIndicator> informers = source.getValue().informerHealthIndicators();
                informers.forEach((namespace, informer) -> check(controller.getConfiguration().getName() + "/"
                        + source.getKey() + "/" + namespace, informer, dead));
            }
        }
        if (!derpMap.watchRunning()) {
            dead.add("derp-map/derpregions");
        }
        var response = HealthCheckResponse.named("Kubernetes watches").status(dead.isEmpty());
        if (!dead.isEmpty()) {
            response.withData("stopped", String.join(", ", dead));
        }
        return response.build();
    }

    private void check(String name, InformerHealthIndicator informer, List<String> dead) {
        if (informer.isRunning()) {
            seenRunning.add(name);
        } else if (seenRunning.contains(name)) {
            dead.add(name);
        }
    }
}

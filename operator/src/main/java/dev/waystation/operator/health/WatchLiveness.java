package dev.waystation.operator.health;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import dev.waystation.operator.OperatorConfig;
import dev.waystation.operator.derpmap.DerpMapPublisher;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;

/**
 * Liveness DOWN when a watch is dead ({@link WatchStates}): every JOSDK informer (named
 * {@code controller/event-source/namespace}) and the DERP map's DerpRegion watch. The check's data
 * names each watch that is not watching, with since when. One only reconnecting stays UP (JOSDK's
 * readiness looks at running and synced informers only, so this data is where a broken watch shows
 * first); one without a watch for longer than {@code waystation.operator.watch-dead-after} will not
 * heal by waiting (its CRD or permission is gone), so the kubelet should restart the process.
 */
@Liveness
@ApplicationScoped
public class WatchLiveness implements HealthCheck {

    static final String DERP_MAP_WATCH = "derp-map/derpregions";

    private final Operator operator;
    private final DerpMapPublisher derpMap;
    private final WatchStates states;
    private final Clock clock = Clock.systemUTC();

    @Inject
    public WatchLiveness(Operator operator, DerpMapPublisher derpMap, OperatorConfig config) {
        this.operator = operator;
        this.derpMap = derpMap;
        this.states = new WatchStates(config.watchDeadAfter());
    }

    @Override
    public HealthCheckResponse call() {
        if (!operator.getRuntimeInfo().isStarted()) {
            return HealthCheckResponse.up("Kubernetes watches"); // nothing started yet (or never: tests, standby)
        }
        Instant now = clock.instant();
        Map<String, WatchStates.Trouble> troubles = new TreeMap<>();
        for (RegisteredController<?> controller : operator.getRuntimeInfo().getRegisteredControllers()) {
            Map<String, InformerWrappingEventSourceHealthIndicator> sources =
                    controller.getControllerHealthInfo().informerEventSourceHealthIndicators();
            for (Map.Entry<String, InformerWrappingEventSourceHealthIndicator> source : sources.entrySet()) {
                Map<String, InformerHealthIndicator> informers = source.getValue().informerHealthIndicators();
                informers.forEach((namespace, informer) -> {
                    String name = controller.getConfiguration().getName() + "/" + source.getKey() + "/" + namespace;
                    states.observe(name, informer.isRunning(), informer.isWatching(), now)
                            .ifPresent(trouble -> troubles.put(name, trouble));
                });
            }
        }
        states.observe(DERP_MAP_WATCH, derpMap.watchRunning(), derpMap.watching(), now)
                .ifPresent(trouble -> troubles.put(DERP_MAP_WATCH, trouble));
        boolean dead = troubles.values().stream().anyMatch(WatchStates.Trouble::dead);
        var response = HealthCheckResponse.named("Kubernetes watches").status(!dead);
        troubles.forEach((name, trouble) -> response.withData(name, trouble.reason()));
        return response.build();
    }
}

package dev.waystation.relay.policy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.rsop.DebounceDelays;
import dev.waystation.policy.rsop.PolicyEngine;
import dev.waystation.policy.rsop.SystemPolicyClock;
import dev.waystation.policy.setting.PolicyScope;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The relay's policy engine: the relay catalog (a conflict fails startup), a timer thread for the
 * debounce and a listener thread so subscribers never run on the reload path.
 */
@Singleton
public class PolicyEngineProducer {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            daemon("waystation-policy-timer"));
    private final ExecutorService listeners = Executors.newSingleThreadExecutor(daemon("waystation-policy-listener"));

    @Produces
    @Singleton
    PolicyEngine engine(PolicyConfig config, MeterRegistry meters) {
        PolicyEngine engine = new PolicyEngine(RelaySettings.registry(), new SystemPolicyClock(timer), listeners,
                new DebounceDelays(config.debounce().quiet(), config.debounce().max()), new PolicyMetrics(meters,
                PolicyScope.profile(config.region())));
        engine.definitions();
        return engine;
    }

    void close(@Disposes PolicyEngine engine) {
        engine.close();
        timer.shutdownNow();
        listeners.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}

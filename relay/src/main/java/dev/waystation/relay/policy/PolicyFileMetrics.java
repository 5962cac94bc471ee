package dev.waystation.relay.policy;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.waystation.policy.source.PolicyFile;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * The policy file watcher's health: errors it caught and survived
 * ({@code waystation_policy_file_watch_errors_total}) and whether it runs
 * ({@code waystation_policy_file_watching}). Registered only when a policy file is configured.
 */
@Startup
@Singleton
public class PolicyFileMetrics {

    @Inject
    RelayPolicy policy;
    @Inject
    MeterRegistry registry;

    @PostConstruct
    void register() {
        policy.file().ifPresent(file -> {
            FunctionCounter.builder("waystation_policy_file_watch_errors", file, PolicyFile::watcherErrors)
                    .description("Errors the policy file watcher caught and survived (out-of-memory included)")
                    .register(registry);
            Gauge.builder("waystation_policy_file_watching", file, f -> f.watching() ? 1 : 0)
                    .description("1 while the policy file watcher runs").register(registry);
        });
    }
}

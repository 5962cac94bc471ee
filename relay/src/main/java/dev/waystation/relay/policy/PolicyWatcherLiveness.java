package dev.waystation.relay.policy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import dev.waystation.relay.policy.kubernetes.KubernetesPolicyStore;

/**
 * Live while every configured policy watcher still runs: the file watcher's thread and the policy
 * ConfigMap's informer. Either one dead means later policy changes (a deny list among them) would
 * never be applied, so Kubernetes should restart the relay. An API server that is away is not a dead
 * watcher: the informer keeps retrying and this stays UP (readiness and the last good policy cover it).
 */
@Liveness
@ApplicationScoped
public class PolicyWatcherLiveness implements HealthCheck {

    static final String NAME = "policy-watchers";

    @Inject
    RelayPolicy policy;
    @Inject
    KubernetesPolicyStore kubernetes;

    @Override
    public HealthCheckResponse call() {
        return state(policy.file().map(file -> file.watching()).orElse(null),
                kubernetes.enabled() ? kubernetes.watchRunning() : null);
    }

    /** {@code null} for a watcher that is not configured. */
    static HealthCheckResponse state(Boolean fileWatching, Boolean configMapWatchRunning) {
        boolean live = !Boolean.FALSE.equals(fileWatching) && !Boolean.FALSE.equals(configMapWatchRunning);
        return HealthCheckResponse.named(NAME).status(live)
                .withData("file", fileWatching == null ? "not configured" : fileWatching ? "watching" : "stopped")
                .withData("configmap", configMapWatchRunning == null ? "not configured"
                        : configMapWatchRunning ? "running" : "stopped")
                .build();
    }
}

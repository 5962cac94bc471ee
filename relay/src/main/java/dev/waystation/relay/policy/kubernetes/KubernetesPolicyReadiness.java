package dev.waystation.relay.policy.kubernetes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * With the Kubernetes policy store on, not ready until the policy ConfigMap has been read once: a
 * relay must not admit clients that its region's policy denies just because it started first. Once
 * synced it stays ready while the API server is away (the last good policy stays in force).
 */
@Readiness
@ApplicationScoped
public class KubernetesPolicyReadiness implements HealthCheck {

    @Inject
    KubernetesPolicyStore store;

    @Override
    public HealthCheckResponse call() {
        if (!store.enabled()) {
            return HealthCheckResponse.named("policy-kubernetes").up().withData("enabled", false).build();
        }
        return HealthCheckResponse.named("policy-kubernetes").status(store.synced())
                .withData("enabled", true)
                .withData("configmap", store.location().orElse("(not registered)"))
                .withData("synced", store.synced())
                .withData("watching", store.watching())
                .build();
    }
}

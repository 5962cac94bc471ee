package dev.waystation.operator;

import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.Unremovable;

/**
 * Leader election through a Lease: of several operator replicas (a rolling upgrade runs two) only the
 * holder of the Lease reconciles; the others wait and take over when it stops renewing. A replica that
 * loses the Lease exits, so its pod restarts and competes again. The identity is the pod name (the
 * {@code HOSTNAME} Kubernetes sets) plus a random suffix, unique even for processes on one host.
 * The DERP map endpoint is served by every replica: each keeps its own map from its own watch.
 */
@Singleton
@Unremovable
public class OperatorLeaderElection extends LeaderElectionConfiguration {

    @Inject
    public OperatorLeaderElection(OperatorConfig config, KubernetesClient client, Leadership leadership) {
        super(config.leaderElection().leaseName(),
                config.leaderElection().leaseNamespace().orElseGet(client::getNamespace),
                LEASE_DURATION_DEFAULT_VALUE, RENEW_DEADLINE_DEFAULT_VALUE, RETRY_PERIOD_DEFAULT_VALUE,
                identity(), new LeaderCallbacks(leadership::started, leadership::stopped, leader -> {
                }), true);
    }

    private static String identity() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank()).orElse("waystation-operator");
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

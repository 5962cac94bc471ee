package dev.waystation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.testing.Closer;
import dev.waystation.testing.TestCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two operator replicas, as during a rolling upgrade: the second waits for the Lease and takes over when the first stops. */
class LeaderElectionIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static OperatorProcess first;
    private static OperatorProcess second;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start();
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(second, first, client, cluster);
    }

    @Test
    void aSecondReplicaWaitsForTheLeaseAndTakesOver() throws Exception {
        first = OperatorProcess.startWithCrds(cluster);
        String leader = await().atMost(WAIT).until(() -> holder(), h -> h != null);
        second = OperatorProcess.startStandby(cluster);

        client.resource(Manifests.derpRegion("one", "default", """
                regionId: 900
                regionCode: one
                regionName: One
                """)).create();
        awaitReconciled("one");
        assertThat(reconciles(first)).isPositive();
        assertThat(reconciles(second)).as("the replica without the Lease reconciles nothing").isZero();
        assertThat(holder()).isEqualTo(leader);

        first.close();
        await().atMost(WAIT).until(() -> holder(), h -> h != null && !h.equals(leader));
        client.resource(Manifests.derpRegion("two", "default", """
                regionId: 901
                regionCode: two
                regionName: Two
                """)).create();
        awaitReconciled("two");
        assertThat(reconciles(second)).isPositive();
    }

    private static String holder() {
        Lease lease = client.leases().inNamespace("default").withName("waystation-operator").get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static void awaitReconciled(String name) {
        await().atMost(WAIT).until(() -> client.resources(DerpRegion.class).inNamespace("default").withName(name).get(),
                r -> r != null && r.getStatus() != null && r.getStatus().getReadyNodes() != null);
    }

    private static double reconciles(OperatorProcess operator) {
        return operator.metricSum("waystation_operator_region_reconciles_total");
    }
}

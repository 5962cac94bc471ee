package dev.waystation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.testing.Closer;
import dev.waystation.testing.TestCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The leader dies (SIGKILL, Lease not released) while regions are being created: the standby, which saw
 * those regions arrive while it waited for the Lease, reconciles every one of them once it leads.
 * Several rounds, each with a fresh standby, since a lost ADD event showed only now and then.
 */
class LeaderFailoverIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int ROUNDS = 3;
    private static final int REGIONS_PER_PHASE = 4;
    private static final String NAMESPACE = "failover";

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static final List<OperatorProcess> operators = new ArrayList<>();

    @BeforeAll
    static void start() {
        cluster = TestCluster.start();
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        List<AutoCloseable> all = new ArrayList<>(operators);
        all.add(client);
        all.add(cluster);
        Closer.closeAll(all.toArray(AutoCloseable[]::new));
    }

    @Test
    void regionsCreatedWhileTheLeaderDiesAreAllReconciledByTheNextLeader() throws Exception {
        OperatorProcess leader = started(OperatorProcess.startWithCrds(cluster));
        Regions.namespace(client, NAMESPACE);
        List<String> regions = new ArrayList<>();
        int next = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String leaseHolder = await().atMost(WAIT).until(LeaderFailoverIT::holder, h -> h != null);
            OperatorProcess standby = started(OperatorProcess.startStandby(cluster));
            for (int i = 0; i < REGIONS_PER_PHASE; i++) {
                regions.add(create(next++));
            }
            leader.kill();
            // The dead leader still holds the Lease until it expires: these arrive at the standby only.
            for (int i = 0; i < REGIONS_PER_PHASE; i++) {
                regions.add(create(next++));
            }
            await().atMost(WAIT).until(LeaderFailoverIT::holder, h -> h != null && !h.equals(leaseHolder));
            for (String name : regions) {
                await("DerpRegion " + name + " reconciled after round " + round).atMost(WAIT)
                        .until(() -> client.resources(DerpRegion.class).inNamespace(NAMESPACE).withName(name).get(),
                                r -> r.getStatus() != null && r.getStatus().getReadyNodes() != null
                                        && r.getMetadata().getGeneration().equals(r.getStatus().getObservedGeneration()));
            }
            assertThat(standby.metricSum("waystation_operator_region_reconciles_total"))
                    .as("reconciles by the new leader").isGreaterThanOrEqualTo(REGIONS_PER_PHASE);
            leader = standby;
        }
    }

    private static OperatorProcess started(OperatorProcess operator) {
        operators.add(operator);
        return operator;
    }

    private static String create(int index) {
        String name = "fo-" + index;
        client.resource(Manifests.derpRegion(name, NAMESPACE, """
                regionId: %d
                regionCode: %s
                regionName: Failover %d
                """.formatted(1000 + index, name, index))).create();
        return name;
    }

    private static String holder() {
        Lease lease = client.leases().inNamespace("default").withName("waystation-operator").get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }
}

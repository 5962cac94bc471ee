package dev.waystation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.testing.Closer;
import dev.waystation.testing.TestCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Operator replicas competing for the Lease, as during a rolling upgrade or when the leader's pod dies.
 * Each test stops its replicas when it ends (they watch every namespace, so one left running would
 * reconcile the next test's regions) and competes for a Lease of its own.
 */
class LeaderElectionIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int FAILOVER_ROUNDS = 3;
    private static final int REGIONS_PER_PHASE = 4;
    private static final String LEADER_METRIC = "waystation_operator_leader";

    private static TestCluster cluster;
    private static KubernetesClient client;
    private final List<OperatorProcess> operators = new ArrayList<>();

    @BeforeAll
    static void start() {
        cluster = TestCluster.start();
        client = cluster.client();
        OperatorProcess.installCrds(cluster);
    }

    @AfterEach
    void stopReplicas() {
        Closer.closeAll(operators.toArray(AutoCloseable[]::new));
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(client, cluster);
    }

    @Test
    void aSecondReplicaWaitsForTheLeaseAndTakesOver() throws Exception {
        String lease = "takeover";
        OperatorProcess first = replica(lease, false);
        String leader = await().atMost(WAIT).until(() -> holder(lease), h -> h != null);
        OperatorProcess second = replica(lease, true);

        create("one", "default", 900);
        awaitReconciled("default", "one");
        assertThat(reconciles(first)).isPositive();
        assertThat(reconciles(second)).as("the replica without the Lease reconciles nothing").isZero();
        assertThat(holder(lease)).isEqualTo(leader);
        assertThat(first.metricSum(LEADER_METRIC)).as("the leader's gauge").isEqualTo(1);
        assertThat(second.metricSum(LEADER_METRIC)).as("the standby's gauge").isZero();

        first.close();
        await().atMost(WAIT).until(() -> holder(lease), h -> h != null && !h.equals(leader));
        create("two", "default", 901);
        awaitReconciled("default", "two");
        assertThat(reconciles(second)).isPositive();
        assertThat(second.metricSum(LEADER_METRIC)).as("the new leader's gauge").isEqualTo(1);
        String timeouts = "waystation_operator_leadership_processing_wait_timeouts_total";
        assertThat(second.metrics()).contains(timeouts);
        assertThat(second.metricSum(timeouts)).as("event processing started before the wait ran out").isZero();
    }

    /**
     * The leader dies (SIGKILL, Lease not released) while regions are created: the standby, which saw
     * those arrive while it waited for the Lease, reconciles every one once it leads. Several rounds, each
     * with a fresh standby, since a lost ADD event showed only now and then.
     */
    @Test
    void regionsCreatedWhileTheLeaderDiesAreAllReconciledByTheNextLeader() throws Exception {
        String lease = "failover";
        String namespace = "failover";
        Regions.namespace(client, namespace);
        OperatorProcess leader = replica(lease, false);
        List<String> regions = new ArrayList<>();
        for (int round = 0; round < FAILOVER_ROUNDS; round++) {
            String leaseHolder = await().atMost(WAIT).until(() -> holder(lease), h -> h != null);
            OperatorProcess standby = replica(lease, true);
            for (int i = 0; i < REGIONS_PER_PHASE; i++) {
                regions.add(create("fo-" + regions.size(), namespace, 1000 + regions.size()));
            }
            leader.kill();
            // The dead leader holds the Lease until it expires: these arrive at the standby only.
            for (int i = 0; i < REGIONS_PER_PHASE; i++) {
                regions.add(create("fo-" + regions.size(), namespace, 1000 + regions.size()));
            }
            await().atMost(WAIT).until(() -> holder(lease), h -> h != null && !h.equals(leaseHolder));
            for (String name : regions) {
                awaitReconciled(namespace, name);
            }
            assertThat(reconciles(standby)).as("reconciles by the new leader").isGreaterThanOrEqualTo(REGIONS_PER_PHASE);
            leader = standby;
        }
    }

    /** A replica competing for {@code lease}; a standby is awaited only until it is alive. */
    private OperatorProcess replica(String lease, boolean standby) throws Exception {
        OperatorProcess replica = OperatorProcess.start(cluster,
                Map.of("WAYSTATION_OPERATOR_LEADER_ELECTION_LEASE_NAME", lease), standby);
        operators.add(replica);
        return replica;
    }

    private static String create(String name, String namespace, int regionId) {
        client.resource(Manifests.derpRegion(name, namespace, """
                regionId: %d
                regionCode: %s
                regionName: Region %d
                """.formatted(regionId, name, regionId))).create();
        return name;
    }

    private static String holder(String lease) {
        Lease current = client.leases().inNamespace("default").withName(lease).get();
        return current == null ? null : current.getSpec().getHolderIdentity();
    }

    private static void awaitReconciled(String namespace, String name) {
        Regions.awaitStatus(client, namespace, name, status -> status.getReadyNodes() != null);
    }

    private static double reconciles(OperatorProcess operator) {
        return operator.metricSum("waystation_operator_region_reconciles_total");
    }
}

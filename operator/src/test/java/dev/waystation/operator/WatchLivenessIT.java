package dev.waystation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.waystation.testing.Closer;
import dev.waystation.testing.GoHarness;
import dev.waystation.testing.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Liveness on a real API server when a watch cannot come back: the DerpRegion CRD is deleted, so every
 * DerpRegion watch (the controllers' and the DERP map's) ends and its informer retries in vain. Back
 * within {@code waystation.operator.watch-dead-after}: liveness names the watches and stays UP. Gone
 * for longer: liveness DOWN naming them; once the CRD is back, UP again.
 */
class WatchLivenessIT {

    /** Long enough that deleting and re-installing a CRD (and the informers' back-off) fits well inside. */
    private static final Duration DEAD_AFTER = Duration.ofSeconds(40);
    private static final Duration WAIT = DEAD_AFTER.plus(Duration.ofSeconds(60));
    private static final String CRD = "derpregions.waystation.dev";

    private static TestCluster cluster;
    private static OperatorProcess operator;

    @BeforeAll
    static void startOperator() throws Exception {
        cluster = TestCluster.start();
        OperatorProcess.installCrds(cluster);
        operator = OperatorProcess.start(cluster,
                Map.of("WAYSTATION_OPERATOR_WATCH_DEAD_AFTER", DEAD_AFTER.toSeconds() + "s"));
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(operator, cluster);
    }

    @Test
    void aWatchGoneLongerThanTheBoundMakesLivenessDownNamingItAndOneBackSoonerDoesNot() {
        // Back within the bound: liveness names the watches meanwhile, and stays UP.
        List<Integer> livenessMeanwhile = new CopyOnWriteArrayList<>();
        deleteCrd();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            Liveness now = liveness();
            livenessMeanwhile.add(now.status());
            return now.body().contains("not watching since");
        });
        installCrd();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            Liveness now = liveness();
            livenessMeanwhile.add(now.status());
            return !now.body().contains("not watching");
        });
        assertThat(livenessMeanwhile).as("liveness while the watches reconnected within the bound").containsOnly(200);

        // Gone for longer: DOWN, naming every DerpRegion watch and why.
        deleteCrd();
        Liveness down = await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(WatchLivenessIT::liveness, l -> l.status() == 503);
        assertThat(down.body()).contains("\"status\": \"DOWN\"", "\"derpregion/ControllerResourceEventSource/",
                "\"derp-map/derpregions\"", "not watching since", "dead after waystation.operator.watch-dead-after PT40S");

        // Back: UP again (a restart is what the kubelet would do; the informers would come back by themselves too).
        installCrd();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> liveness().status() == 200);
    }

    private record Liveness(int status, String body) {
    }

    private static void deleteCrd() {
        cluster.kubectl("delete", "crd", CRD, "--wait=true", "--timeout=60s").assertSuccess();
    }

    private static void installCrd() {
        cluster.kubectl("apply", "-f", GoHarness.repositoryRoot().resolve("kubernetes/crds/" + CRD + "-v1.yml").toString())
                .assertSuccess();
        cluster.kubectl("wait", "--for=condition=Established", "crd/" + CRD, "--timeout=60s").assertSuccess();
    }

    private static Liveness liveness() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(operator.managementUrl("/q/health/live"))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Liveness(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException("liveness unreadable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

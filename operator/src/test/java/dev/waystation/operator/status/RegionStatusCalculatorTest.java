package dev.waystation.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.waystation.crd.v1alpha1.Conditions;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.DerpRegionStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

/** Status from observations: conditions, per-node addresses and the DERP map fragment. */
class RegionStatusCalculatorTest {

    private static final Instant T0 = Instant.parse("2026-11-28T00:00:00.750Z");
    private static final Instant T1 = Instant.parse("2026-11-28T00:05:00Z");

    static DerpRegion region(int nodes) {
        DerpRegion region = new DerpRegion();
        region.setMetadata(new ObjectMetaBuilder().withName("r").withNamespace("ns").withGeneration(3L).build());
        DerpRegionSpec spec = new DerpRegionSpec();
        spec.setRegionId(900);
        spec.setRegionCode("r");
        spec.setRegionName("R");
        spec.setNodes(nodes);
        region.setSpec(spec);
        return region;
    }

    private static Service loadBalancer(String... ips) {
        ServiceBuilder service = new ServiceBuilder().withNewSpec().withType("LoadBalancer").endSpec()
                .withNewStatus().withNewLoadBalancer().endLoadBalancer().endStatus();
        for (String ip : ips) {
            service.editStatus().editLoadBalancer().addNewIngress().withIp(ip).endIngress().endLoadBalancer().endStatus();
        }
        return service.build();
    }

    private static Pod pod(boolean ready) {
        return new PodBuilder().withNewStatus().addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").endCondition().endStatus().build();
    }

    @Test
    void readyRegionPublishesEveryNodeWithItsLoadBalancerAddresses() {
        DerpRegionStatus status = RegionStatusCalculator.compute(region(2), List.of(
                new NodeObservation(0, loadBalancer("203.0.113.1", "2001:db8::1"), pod(true)),
                new NodeObservation(1, loadBalancer("203.0.113.2"), pod(true))), Optional.empty(), T0);

        assertThat(status.getReadyNodes()).isEqualTo("2/2");
        assertThat(status.getObservedGeneration()).isEqualTo(3);
        assertThat(Conditions.find(status.getConditions(), Conditions.READY)).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("AllNodesReady");
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-28T00:00:00Z");
        });
        assertThat(status.getDerpMapRegion().getNodes()).extracting("name", "hostName", "ipv4", "ipv6").containsExactly(
                org.assertj.core.groups.Tuple.tuple("900a", "203.0.113.1", "203.0.113.1", "2001:db8::1"),
                org.assertj.core.groups.Tuple.tuple("900b", "203.0.113.2", "203.0.113.2", null));
    }

    @Test
    void aNodeWithoutAddressIsLeftOutOfTheMapAndHoldsReadinessBack() {
        DerpRegionStatus status = RegionStatusCalculator.compute(region(2), List.of(
                new NodeObservation(0, loadBalancer("203.0.113.1"), pod(true)),
                new NodeObservation(1, loadBalancer(), pod(true))), Optional.empty(), T0);

        assertThat(Conditions.find(status.getConditions(), Conditions.READY))
                .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("AddressPending"));
        assertThat(status.getDerpMapRegion().getNodes()).extracting("name").containsExactly("900a");
    }

    @Test
    void partialReadinessIsDegradedAndTransitionTimesMoveOnlyOnFlips() {
        DerpRegion region = region(2);
        region.setStatus(RegionStatusCalculator.compute(region, List.of(
                new NodeObservation(0, loadBalancer("203.0.113.1"), pod(true)),
                new NodeObservation(1, loadBalancer("203.0.113.2"), pod(true))), Optional.empty(), T0));

        DerpRegionStatus later = RegionStatusCalculator.compute(region, List.of(
                new NodeObservation(0, loadBalancer("203.0.113.1"), pod(true)),
                new NodeObservation(1, loadBalancer("203.0.113.2"), null)), Optional.empty(), T1);

        assertThat(Conditions.find(later.getConditions(), Conditions.DEGRADED)).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("NodesUnavailable");
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-28T00:05:00Z");
        });
        assertThat(Conditions.find(later.getConditions(), Conditions.READY)).hasValueSatisfying(c -> {
            assertThat(c.getMessage()).isEqualTo("1 of 2 nodes ready");
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-28T00:05:00Z");
        });

        region.setStatus(later);
        DerpRegionStatus same = RegionStatusCalculator.compute(region, List.of(
                new NodeObservation(0, loadBalancer("203.0.113.1"), pod(true)),
                new NodeObservation(1, loadBalancer("203.0.113.2"), null)), Optional.empty(), T1.plusSeconds(60));
        assertThat(same).isEqualTo(later);
    }

    @Test
    void aConflictingRegionIdKeepsTheRegionOutOfTheMap() {
        DerpRegionStatus status = RegionStatusCalculator.compute(region(1), List.of(
                new NodeObservation(0, loadBalancer("203.0.113.1"), pod(true))), Optional.of("other/first"), T0);

        assertThat(status.getDerpMapRegion()).isNull();
        assertThat(Conditions.isTrue(status.getConditions(), Conditions.DEGRADED)).isTrue();
        assertThat(Conditions.find(status.getConditions(), Conditions.READY))
                .hasValueSatisfying(c -> assertThat(c.getMessage()).contains("other/first"));
    }
}

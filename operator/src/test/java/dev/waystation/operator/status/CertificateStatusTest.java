package dev.waystation.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.waystation.crd.v1alpha1.Conditions;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionStatus;
import dev.waystation.crd.v1alpha1.RegionTls;
import dev.waystation.crd.v1alpha1.TlsMode;
import dev.waystation.operator.events.ConditionEvents;
import dev.waystation.operator.events.EventRecorder;
import dev.waystation.operator.tls.CertificateExpiry;
import dev.waystation.operator.tls.ServedCertificate;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** Per-node pin and NotAfter in status and DERP map, and the two-week expiry condition. */
class CertificateStatusTest {

    private static final Instant NOT_AFTER = Instant.parse("2027-12-01T00:00:00Z");
    private static final ServedCertificate SERVED = new ServedCertificate("sha256-raw:ab12", NOT_AFTER);

    private static DerpRegion region(TlsMode mode) {
        DerpRegion region = RegionStatusCalculatorTest.region(1);
        region.getSpec().setHostnames(List.of("derp0.example.com"));
        RegionTls tls = new RegionTls();
        tls.setMode(mode);
        region.getSpec().setTls(tls);
        return region;
    }

    private static Pod readyPod() {
        return new PodBuilder().withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build();
    }

    private static DerpRegionStatus compute(DerpRegion region, Instant now) {
        return RegionStatusCalculator.compute(region, List.of(new NodeObservation(0, null, readyPod(),
                Optional.of(SERVED))), Optional.empty(), now);
    }

    @Test
    void aSelfSignedNodeIsPinnedInStatusAndDerpMap() {
        DerpRegionStatus status = compute(region(TlsMode.SelfSigned), Instant.parse("2027-01-01T00:00:00Z"));

        assertThat(status.getNodes().get(0).getCertName()).isEqualTo("sha256-raw:ab12");
        assertThat(status.getNodes().get(0).getCertificateNotAfter()).isEqualTo("2027-12-01T00:00:00Z");
        assertThat(status.getDerpMapRegion().getNodes().get(0).getCertName()).isEqualTo("sha256-raw:ab12");
        assertThat(Conditions.find(status.getConditions(), CertificateExpiry.CONDITION))
                .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
    }

    @Test
    void aManualNodeReportsItsExpiryButIsNotPinned() {
        DerpRegion region = region(TlsMode.Manual);
        region.getSpec().getTls().setSecretName("derp-tls");

        DerpRegionStatus status = compute(region, Instant.parse("2027-01-01T00:00:00Z"));

        assertThat(status.getNodes().get(0).getCertName()).isNull();
        assertThat(status.getNodes().get(0).getCertificateNotAfter()).isEqualTo("2027-12-01T00:00:00Z");
        assertThat(status.getDerpMapRegion().getNodes().get(0).getCertName()).isNull();
    }

    @Test
    void twoWeeksBeforeTheEndTheConditionTurnsFalseWhichIsOneWarningEvent() {
        DerpRegion region = region(TlsMode.SelfSigned);
        DerpRegionStatus before = compute(region, NOT_AFTER.minus(Duration.ofDays(15)));
        region.setStatus(before);

        DerpRegionStatus due = compute(region, NOT_AFTER.minus(Duration.ofDays(14)));

        assertThat(Conditions.find(due.getConditions(), CertificateExpiry.CONDITION)).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo(CertificateExpiry.REASON_EXPIRING);
            assertThat(c.getMessage()).startsWith("TLS certificate of 900a (derp0.example.com) expires 2027-12-01T00:00:00Z");
        });
        assertThat(ConditionEvents.between(before.getConditions(), due.getConditions()))
                .singleElement().satisfies(change -> {
                    assertThat(change.type()).isEqualTo(EventRecorder.Type.Warning);
                    assertThat(change.reason()).isEqualTo(CertificateExpiry.REASON_EXPIRING);
                });
        region.setStatus(due);
        DerpRegionStatus dayLater = compute(region, NOT_AFTER.minus(Duration.ofDays(13)));
        assertThat(ConditionEvents.between(due.getConditions(), dayLater.getConditions())).isEmpty();
    }
}

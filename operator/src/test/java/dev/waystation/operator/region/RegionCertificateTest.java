package dev.waystation.operator.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.waystation.crd.v1alpha1.CertManagerTls;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.RegionTls;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import dev.waystation.crd.v1alpha1.TlsMode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/** The cert-manager Certificate of a CertManager region, and the relays loading its Secret as in Manual mode. */
class RegionCertificateTest {

    private final RegionCertificate certificate = new RegionCertificate(Regions.config());

    @Test
    void namesEveryNodeDnsAndIpApartWithTheSpecsIssuerAndTheRegionsSecret() {
        DerpRegion region = certManagerRegion(List.of("derp0.example.net", "192.0.2.7", "2001:db8::7"));
        GenericKubernetesResource resource = (GenericKubernetesResource) certificate.desired(region).get(0);
        assertThat(resource.getApiVersion()).isEqualTo("cert-manager.io/v1");
        assertThat(resource.getKind()).isEqualTo("Certificate");
        assertThat(resource.getMetadata().getName()).isEqualTo("fra");
        assertThat(resource.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(owner -> assertThat(owner.getUid()).isEqualTo("uid-1"));
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) resource.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("dnsNames", List.of("derp0.example.net"))
                .containsEntry("ipAddresses", List.of("192.0.2.7", "2001:db8::7"))
                .containsEntry("secretName", "fra-tls")
                .containsEntry("issuerRef", Map.of("name", "ca", "kind", "Issuer", "group", "cert-manager.io"))
                .containsEntry("secretTemplate", Map.of("labels", Map.of(Regions.TLS_SECRET_LABEL, "true")));
    }

    @Test
    void relaysMountTheCertificatesSecretAsInManualMode() {
        DerpRegion region = certManagerRegion(List.of("derp0.example.net", "derp1.example.net", "derp2.example.net"));
        StatefulSet set = (StatefulSet) new RelayStatefulSet(Regions.config()).desired(region).get(0);
        assertThat(set.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> "tls".equals(v.getName()))
                .singleElement().satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("fra-tls"));
        assertThat(RelayEnvironment.configMapData(region)).containsEntry("WAYSTATION_RELAY_TLS_CERT_MODE", "manual")
                .containsEntry("WAYSTATION_RELAY_TLS_CERT_FILE", RelayEnvironment.TLS_DIR + "/tls.crt");
    }

    @Test
    void otherModesHaveNoCertificate() {
        assertThat(certificate.desired(Regions.region(1, RelayServiceType.LoadBalancer))).isEmpty();
    }

    private static DerpRegion certManagerRegion(List<String> hostnames) {
        DerpRegion region = Regions.region(hostnames.size(), RelayServiceType.LoadBalancer);
        region.getSpec().setHostnames(hostnames);
        CertManagerTls.IssuerRef issuer = new CertManagerTls.IssuerRef();
        issuer.setName("ca");
        CertManagerTls certManager = new CertManagerTls();
        certManager.setIssuerRef(issuer);
        RegionTls tls = new RegionTls();
        tls.setMode(TlsMode.CertManager);
        tls.setCertManager(certManager);
        region.getSpec().setTls(tls);
        return region;
    }
}

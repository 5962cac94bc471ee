package dev.waystation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.waystation.crd.v1alpha1.Conditions;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.testing.Closer;
import dev.waystation.testing.TestCluster;
import dev.waystation.testing.ToolScript;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code tls.mode: CertManager} on a real API server with cert-manager's own CRDs (from its Go
 * module, {@code src/certmanager/crds.sh}); no cert-manager controller runs, so the test writes the
 * Secret as cert-manager would. Without the CRD the region says so; once the CRD is installed the
 * operator's Certificate appears (no change to the region) with every node's name, the issuer and the
 * Secret the relays mount; the region waits for that Secret, and a Secret of that name that is not
 * labelled for Waystation is never mounted.
 */
class CertManagerModeIT {

    private static final String NS = "cm-ns";
    private static final String CERTIFICATE_CRD = "certificates.cert-manager.io";

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static OperatorProcess operator;

    @BeforeAll
    static void startOperator() throws Exception {
        cluster = TestCluster.start();
        client = cluster.client();
        operator = OperatorProcess.startWithCrds(cluster);
        Regions.namespace(client, NS);
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(operator, client, cluster);
    }

    @Test
    void certificateFollowsTheCrdAndTheRegionWaitsForItsSecret() {
        client.resource(Manifests.derpRegion("ber", NS, """
                regionId: 960
                regionCode: ber
                regionName: Berlin
                nodes: 2
                hostnames: [derp0.ber.example.net, 192.0.2.10]
                tls:
                  mode: CertManager
                  certManager:
                    issuerRef:
                      name: test-ca
                      kind: ClusterIssuer
                """)).create();
        DerpRegion region = Regions.awaitStatus(client, NS, "ber", s -> reason(s.getConditions()).equals("CertManagerMissing"));
        assertThat(message(region)).contains("cert-manager", CERTIFICATE_CRD, "not installed");
        // Deployed all the same: the pods wait for their Secret, the condition says why.
        StatefulSet sts = client.apps().statefulSets().inNamespace(NS).withName("ber").get();
        assertThat(sts.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> "tls".equals(v.getName()))
                .singleElement().satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("ber-tls"));
        ConfigMap environment = client.configMaps().inNamespace(NS).withName("ber-relay").get();
        assertThat(environment.getData()).containsEntry("WAYSTATION_RELAY_TLS_CERT_MODE", "manual")
                .containsEntry("WAYSTATION_RELAY_TLS_CERT_FILE", "/etc/waystation/tls/tls.crt")
                .containsEntry("WAYSTATION_RELAY_TLS_KEY_FILE", "/etc/waystation/tls/tls.key");

        Path crds = ToolScript.run("src/certmanager/crds.sh", 10);
        cluster.kubectl("apply", "-f", crds.toString()).assertSuccess();
        cluster.kubectl("wait", "--for=condition=Established", "crd/" + CERTIFICATE_CRD, "--timeout=60s").assertSuccess();

        GenericKubernetesResource certificate = await("the region's Certificate").atMost(Regions.WAIT)
                .until(() -> client.genericKubernetesResources("cert-manager.io/v1", "Certificate").inNamespace(NS)
                        .withName("ber").get(), c -> c != null);
        assertThat(certificate.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getUid()).isEqualTo(region.getMetadata().getUid());
            assertThat(owner.getController()).isTrue();
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) certificate.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("secretName", "ber-tls")
                .containsEntry("dnsNames", List.of("derp0.ber.example.net"))
                .containsEntry("ipAddresses", List.of("192.0.2.10"))
                .containsEntry("commonName", "derp0.ber.example.net")
                .containsEntry("issuerRef", Map.of("name", "test-ca", "kind", "ClusterIssuer", "group", "cert-manager.io"))
                .containsEntry("secretTemplate", Map.of("labels", Map.of("waystation.dev/tls-secret", "true")));

        DerpRegion pending = Regions.awaitStatus(client, NS, "ber",
                s -> reason(s.getConditions()).equals("CertificatePending"));
        assertThat(message(pending)).contains("Secret ber-tls", "Certificate ber", "ClusterIssuer test-ca");

        // What cert-manager writes: a kubernetes.io/tls Secret with the template's labels and ca.crt.
        client.secrets().inNamespace(NS).resource(new SecretBuilder()
                .withNewMetadata().withName("ber-tls").addToLabels("waystation.dev/tls-secret", "true")
                .addToAnnotations("cert-manager.io/certificate-name", "ber").endMetadata()
                .withType("kubernetes.io/tls")
                .addToStringData("tls.crt", "not read by the operator").addToStringData("tls.key", "not read")
                .addToStringData("ca.crt", "not read").build()).create();
        DerpRegion issued = Regions.awaitStatus(client, NS, "ber",
                s -> !reason(s.getConditions()).equals("CertificatePending"));
        assertThat(reason(issued.getStatus().getConditions())).as(message(issued)).isEqualTo("NodesNotReady");
    }

    @Test
    void aSecretOfThatNameWithoutTheLabelIsNeverMounted() {
        client.secrets().inNamespace(NS).resource(new SecretBuilder()
                .withNewMetadata().withName("muc-tls").endMetadata()
                .withType("kubernetes.io/tls")
                .addToStringData("tls.crt", "someone else's").addToStringData("tls.key", "someone else's").build())
                .create();
        client.resource(Manifests.derpRegion("muc", NS, """
                regionId: 961
                regionCode: muc
                regionName: Munich
                hostnameTemplate: derp{index}.muc.example.net
                tls:
                  mode: CertManager
                  certManager:
                    issuerRef:
                      name: test-ca
                """)).create();
        DerpRegion refused = Regions.awaitStatus(client, NS, "muc", s -> reason(s.getConditions()).equals("NotAllowed"));
        assertThat(message(refused)).contains("Secret muc-tls is not labelled waystation.dev/tls-secret=true");
        assertThat(client.apps().statefulSets().inNamespace(NS).withName("muc").get()).isNull();
    }

    private static String reason(List<io.fabric8.kubernetes.api.model.Condition> conditions) {
        return Conditions.find(conditions, Conditions.READY).map(c -> c.getReason()).orElse("");
    }

    private static String message(DerpRegion region) {
        return Conditions.find(region.getStatus().getConditions(), Conditions.READY).map(c -> c.getMessage()).orElse("");
    }
}

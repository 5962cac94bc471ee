package dev.waystation.crd.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waystation.testing.KubectlResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

/** The API server itself enforces the DerpRegion schema and CEL rules from kubernetes/crds. */
class DerpRegionValidationIT extends CrdOnApiServer {

    private static String region(String name, String specBody) {
        return manifest("DerpRegion", name, specBody);
    }

    @Test
    void validRegionIsAcceptedWithDefaults() {
        client.resource(region("fra", """
                regionId: 900
                regionCode: fra
                regionName: Frankfurt
                """)).create();

        DerpRegion stored = client.resources(DerpRegion.class).inNamespace("default").withName("fra").get();
        assertThat(stored.getSpec().getNodes()).isEqualTo(1);
        assertThat(stored.getSpec().getDerpPort()).isEqualTo(443);
        assertThat(stored.getSpec().getStunPort()).isEqualTo(3478);

        KubectlResult table = cluster.kubectl("get", "derpregions", "-n", "default").assertSuccess();
        assertThat(table.output().lines().findFirst().orElseThrow())
                .contains("NAME", "ID", "CODE", "NODES READY", "STATUS", "AGE");
        assertThat(table.output()).containsPattern("fra\\s+\\S+\\s+fra\\s+900");
        assertThat(cluster.kubectl("get", "dr", "fra", "-n", "default").assertSuccess().output()).contains("fra");
    }

    @Test
    void regionIdMustBePositive() {
        assertRejected(region("zero", """
                regionId: 0
                regionCode: x
                regionName: X
                """), "spec.regionId: Invalid value: 0: spec.regionId in body should be greater than or equal to 1");
    }

    @Test
    void requiredFieldsAreRequired() {
        assertRejected(region("bare", "regionId: 901"), "spec.regionCode: Required value");
    }

    @Test
    void regionCodeMustBeADnsLabel() {
        assertRejected(region("badcode", """
                regionId: 902
                regionCode: Frankfurt Main
                regionName: X
                """), "spec.regionCode in body should match");
    }

    @Test
    void hostnamesAndTemplateAreExclusive() {
        assertRejected(region("both", """
                regionId: 903
                regionCode: both
                regionName: Both
                hostnames: [derp.example.com]
                hostnameTemplate: derp{index}.example.com
                """), "hostnames and hostnameTemplate are mutually exclusive");
    }

    @Test
    void hostnamesMustCoverEveryNode() {
        assertRejected(region("short", """
                regionId: 904
                regionCode: short
                regionName: Short
                nodes: 3
                hostnames: [a.example.com, b.example.com]
                """), "hostnames must name every node");
    }

    @Test
    void hostnamesMustBeDnsNames() {
        assertRejected(region("badhost", """
                regionId: 905
                regionCode: badhost
                regionName: Bad host
                hostnames: ["Not A Host"]
                """), "spec.hostnames[0] in body should match");
    }

    @Test
    void templateNeedsAPlaceholderForSeveralNodes() {
        assertRejected(region("sametemplate", """
                regionId: 906
                regionCode: same
                regionName: Same
                nodes: 2
                hostnameTemplate: derp.example.com
                """), "hostnameTemplate must contain {index} or {name}");
    }

    @Test
    void manualTlsNeedsASecret() {
        assertRejected(region("manual", """
                regionId: 907
                regionCode: manual
                regionName: Manual
                tls:
                  mode: Manual
                """), "tls.mode Manual needs tls.secretName");
    }

    @Test
    void letsEncryptNeedsHostnames() {
        assertRejected(region("acme", """
                regionId: 908
                regionCode: acme
                regionName: ACME
                tls:
                  mode: LetsEncrypt
                """), "tls.mode LetsEncrypt needs DNS names");
    }

    @Test
    void certManagerNeedsAnIssuerAndHostnames() {
        assertRejected(region("cm-issuer", """
                regionId: 912
                regionCode: cmi
                regionName: cert-manager without issuer
                hostnameTemplate: derp{index}.example.com
                tls:
                  mode: CertManager
                """), "tls.mode CertManager needs tls.certManager.issuerRef");
        assertRejected(region("cm-names", """
                regionId: 913
                regionCode: cmn
                regionName: cert-manager without names
                tls:
                  mode: CertManager
                  certManager:
                    issuerRef:
                      name: my-issuer
                """), "tls.mode CertManager needs the nodes' names");
        assertRejected(region("cm-secret", """
                regionId: 914
                regionCode: cms
                regionName: cert-manager with a secret name
                hostnameTemplate: derp{index}.example.com
                tls:
                  mode: CertManager
                  secretName: chosen
                  certManager:
                    issuerRef:
                      name: my-issuer
                """), "tls.secretName is only used with tls.mode Manual");
    }

    @Test
    void unknownTlsModeIsRejected() {
        assertRejected(region("weird", """
                regionId: 909
                regionCode: weird
                regionName: Weird
                tls:
                  mode: Sometimes
                """), "Unsupported value: \"Sometimes\"");
    }

    @Test
    void tooManyNodesAreRejected() {
        assertRejected(region("huge", """
                regionId: 910
                regionCode: huge
                regionName: Huge
                nodes: 27
                """), "spec.nodes in body should be less than or equal to 26");
    }

    @Test
    void longNamesAreRejected() {
        assertRejected(region("a-region-name-that-is-far-too-long-for-the-operator", """
                regionId: 911
                regionCode: long
                regionName: Long
                """), "metadata.name must be at most 40 characters");
    }

    @Test
    void regionIdIsImmutable() {
        client.resource(region("fixed", """
                regionId: 920
                regionCode: fixed
                regionName: Fixed
                """)).create();
        DerpRegion stored = client.resources(DerpRegion.class).inNamespace("default").withName("fixed").get();
        stored.getSpec().setRegionId(921);

        assertThatThrownBy(() -> client.resource(stored).update())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("regionId is immutable");
    }
    @Test
    void integersOfEmbeddedPodTypesAreBounded() {
        assertRejected(region("skew", """
                regionId: 930
                regionCode: skew
                regionName: Skew
                scheduling:
                  topologySpreadConstraints:
                  - maxSkew: 3000000000
                    topologyKey: kubernetes.io/hostname
                    whenUnsatisfiable: ScheduleAnyway
                """), "maxSkew and minDomains must be between 1 and 2147483647");
        assertRejected(region("weight", """
                regionId: 931
                regionCode: weight
                regionName: Weight
                scheduling:
                  affinity:
                    podAntiAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                      - weight: 1000
                        podAffinityTerm:
                          topologyKey: kubernetes.io/hostname
                """), "affinity.podAntiAffinity: every preferred term's weight must be between 1 and 100");
    }

    @Test
    void namesBecomingServiceNamesAreDns1035Labels() {
        assertRejected(region("9lives", """
                regionId: 934
                regionCode: nine
                regionName: Nine
                """), "metadata.name must be a DNS-1035 label");
    }

    @Test
    void hostnameTemplateIsAHostnameWithPlaceholders() {
        assertRejected(region("tmpl", """
                regionId: 935
                regionCode: tmpl
                regionName: Template
                hostnameTemplate: "derp {index}/example.com"
                """), "spec.hostnameTemplate in body should match");
        client.resource(region("tmplok", """
                regionId: 936
                regionCode: tmplok
                regionName: Template
                nodes: 2
                hostnameTemplate: "derp{index}.{name}.example.com"
                """)).create();
    }

    @Test
    void letsEncryptCannotCertifyAnIpAddress() {
        assertRejected(region("leip", """
                regionId: 960
                regionCode: leip
                regionName: LE by IP
                hostnames: ["203.0.113.10"]
                tls:
                  mode: LetsEncrypt
                """), "tls.mode LetsEncrypt cannot certify an IP address");
        assertRejected(region("leiptmpl", """
                regionId: 961
                regionCode: leiptmpl
                regionName: LE by IP template
                nodes: 2
                hostnameTemplate: "10.0.0.{index}"
                tls:
                  mode: LetsEncrypt
                """), "tls.mode LetsEncrypt cannot certify an IP address");
        // The same IP is fine with a pinned self-signed certificate, and LetsEncrypt with a DNS name.
        client.resource(region("ssip", """
                regionId: 962
                regionCode: ssip
                regionName: Self-signed by IP
                hostnames: ["203.0.113.10"]
                """)).create();
        client.resource(region("ledns", """
                regionId: 963
                regionCode: ledns
                regionName: LE by name
                hostnames: ["derp1.example.com"]
                tls:
                  mode: LetsEncrypt
                  letsEncrypt:
                    email: ops@example.com
                """)).create();
    }

    @Test
    void letsEncryptEmailMustBeAnAddress() {
        assertRejected(region("lemail", """
                regionId: 964
                regionCode: lemail
                regionName: LE bad mail
                hostnames: ["derp1.example.com"]
                tls:
                  mode: LetsEncrypt
                  letsEncrypt:
                    email: "ops at example"
                """), "spec.tls.letsEncrypt.email in body should match");
    }

    @Test
    void letsEncryptCaBundleOnlyWithAPrivateDirectory() {
        assertRejected(region("leca", """
                regionId: 965
                regionCode: leca
                regionName: LE private CA bundle alone
                hostnames: ["leca.example.com"]
                tls:
                  mode: LetsEncrypt
                  letsEncrypt:
                    caConfigMap:
                      name: pebble-ca
                """), "tls.letsEncrypt.caConfigMap needs tls.letsEncrypt.directoryUrl");
        client.resource(region("lecaok", """
                regionId: 966
                regionCode: lecaok
                regionName: LE private CA
                hostnames: ["lecaok.example.com"]
                tls:
                  mode: LetsEncrypt
                  letsEncrypt:
                    directoryUrl: https://pebble.acme.svc:14000/dir
                    caConfigMap:
                      name: pebble-ca
                """)).create();
    }
}

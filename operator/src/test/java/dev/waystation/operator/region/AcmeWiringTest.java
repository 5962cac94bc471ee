package dev.waystation.operator.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.waystation.crd.v1alpha1.CaConfigMapRef;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.RegionTls;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import dev.waystation.crd.v1alpha1.TlsMode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.Role;

/** LetsEncrypt mode: what the relays are told (ACME settings, their storage Secret) and may touch. */
class AcmeWiringTest {

    private static DerpRegion letsEncrypt(int nodes, String email, boolean staging, String directoryUrl) {
        DerpRegion region = Regions.region(nodes, RelayServiceType.LoadBalancer);
        RegionTls tls = new RegionTls();
        tls.setMode(TlsMode.LetsEncrypt);
        RegionTls.LetsEncrypt settings = new RegionTls.LetsEncrypt();
        settings.setEmail(email);
        settings.setStaging(staging);
        settings.setDirectoryUrl(directoryUrl);
        tls.setLetsEncrypt(settings);
        region.getSpec().setTls(tls);
        return region;
    }

    @Test
    void letsEncryptSettingsReachTheRelay() {
        Map<String, String> env = RelayEnvironment.configMapData(
                letsEncrypt(2, "ops@example.com", true, "https://ca.internal:9000/acme/acme/directory"));
        assertThat(env).containsEntry("WAYSTATION_RELAY_TLS_CERT_MODE", "acme")
                .containsEntry("WAYSTATION_RELAY_TLS_ACME_EMAIL", "ops@example.com")
                .containsEntry("WAYSTATION_RELAY_TLS_ACME_STAGING", "true")
                .containsEntry("WAYSTATION_RELAY_TLS_ACME_DIRECTORY_URL", "https://ca.internal:9000/acme/acme/directory")
                // Each pod resolves its own Secret from its index (one ConfigMap for all pods).
                .containsEntry("WAYSTATION_RELAY_TLS_ACME_STORAGE_SECRET", "fra-${WAYSTATION_RELAY_NODE_INDEX}-acme");
    }

    @Test
    void aPrivateCasBundleIsMountedReadOnlyAndTrustedForTheAcmeServer() {
        DerpRegion region = letsEncrypt(1, null, false, "https://pebble.acme.svc:14000/dir");
        CaConfigMapRef ca = new CaConfigMapRef();
        ca.setName("pebble-ca");
        ca.setKey("root.pem");
        region.getSpec().getTls().getLetsEncrypt().setCaConfigMap(ca);

        assertThat(RelayEnvironment.configMapData(region))
                .containsEntry("WAYSTATION_RELAY_TLS_ACME_CA_FILE", "/etc/waystation/acme-ca/ca.crt");
        PodSpec pod = ((StatefulSet) new RelayStatefulSet(Regions.config()).desired(region).get(0)).getSpec()
                .getTemplate().getSpec();
        assertThat(pod.getVolumes()).filteredOn(volume -> volume.getConfigMap() != null
                && "pebble-ca".equals(volume.getConfigMap().getName())).singleElement().satisfies(volume -> {
            assertThat(volume.getConfigMap().getItems()).singleElement().satisfies(item -> {
                assertThat(item.getKey()).isEqualTo("root.pem");
                assertThat(item.getPath()).isEqualTo("ca.crt");
            });
        });
        assertThat(pod.getContainers().get(0).getVolumeMounts()).anySatisfy(mount -> {
            assertThat(mount.getMountPath()).isEqualTo("/etc/waystation/acme-ca");
            assertThat(mount.getReadOnly()).isTrue();
        });
    }

    @Test
    void withoutOptionalSettingsProductionLetsEncryptAndNoContact() {
        Map<String, String> env = RelayEnvironment.configMapData(letsEncrypt(1, null, false, null));
        assertThat(env).containsEntry("WAYSTATION_RELAY_TLS_ACME_STAGING", "false")
                .doesNotContainKeys("WAYSTATION_RELAY_TLS_ACME_EMAIL", "WAYSTATION_RELAY_TLS_ACME_DIRECTORY_URL",
                        "WAYSTATION_RELAY_TLS_ACME_CA_FILE");
    }

    @Test
    void eachNodeGetsAnEmptySecretTheRelaysMayOnlyGetAndUpdateByName() {
        List<HasMetadata> objects = new RelayAccess().desired(letsEncrypt(2, null, false, null));
        List<Secret> secrets = objects.stream().filter(Secret.class::isInstance).map(Secret.class::cast).toList();
        assertThat(secrets).extracting(secret -> secret.getMetadata().getName()).containsExactly("fra-0-acme",
                "fra-1-acme");
        assertThat(secrets).allSatisfy(secret -> assertThat(secret.getData()).isNullOrEmpty());
        Role role = objects.stream().filter(Role.class::isInstance).map(Role.class::cast).findFirst().orElseThrow();
        assertThat(role.getRules()).anySatisfy(rule -> {
            assertThat(rule.getResources()).containsExactly("secrets");
            assertThat(rule.getResourceNames()).containsExactly("fra-0-acme", "fra-1-acme");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "update");
        });
    }

    @Test
    void otherModesGetNoAcmeSecretsNorSecretAccess() {
        List<HasMetadata> objects = new RelayAccess().desired(Regions.region(2, RelayServiceType.LoadBalancer));
        assertThat(objects).noneMatch(Secret.class::isInstance);
        Role role = objects.stream().filter(Role.class::isInstance).map(Role.class::cast).findFirst().orElseThrow();
        assertThat(role.getRules()).allSatisfy(rule -> assertThat(rule.getResources()).doesNotContain("secrets"));
        assertThat(RelayEnvironment.configMapData(Regions.region(1, RelayServiceType.LoadBalancer)))
                .doesNotContainKey("WAYSTATION_RELAY_TLS_ACME_STORAGE_SECRET");
    }
}

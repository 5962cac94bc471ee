package dev.waystation.operator.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/**
 * The relay pods the operator writes meet the "restricted" Pod Security Standard (what its
 * admission checks: non-root, numeric user, RuntimeDefault seccomp, no privilege escalation, all
 * capabilities dropped, no host namespaces, unprivileged ports) and run with a read-only root file
 * system whose writable paths are volumes. HostNetwork is the one exposure that leaves "restricted".
 */
class RelayStatefulSetSecurityTest {

    private static PodSpec pod(DerpRegion region) {
        StatefulSet set = (StatefulSet) new RelayStatefulSet(Regions.config()).desired(region).get(0);
        return set.getSpec().getTemplate().getSpec();
    }

    private static Container relay(PodSpec pod) {
        assertThat(pod.getContainers()).hasSize(1);
        return pod.getContainers().get(0);
    }

    @Test
    void relayPodsAreRestricted() {
        for (RelayServiceType type : List.of(RelayServiceType.LoadBalancer, RelayServiceType.NodePort,
                RelayServiceType.ClusterIP)) {
            PodSpec pod = pod(Regions.region(2, type));
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
            assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(65532L);
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getHostNetwork()).as(type + ": no host namespaces").isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getVolumes()).as("restricted allows these volume types only")
                    .allMatch(v -> v.getEmptyDir() != null || v.getSecret() != null || v.getConfigMap() != null
                            || v.getProjected() != null);

            Container relay = relay(pod);
            assertThat(relay.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(relay.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(relay.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
            assertThat(relay.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
            assertThat(relay.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(relay.getPorts()).as(type + ": unprivileged container ports, no host ports")
                    .allMatch(p -> p.getContainerPort() > 1024 && p.getHostPort() == null);
        }
    }

    @Test
    void everyWritablePathIsAVolume() {
        PodSpec pod = pod(Regions.region(1, null));
        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        Map<String, String> mounts = relay(pod).getVolumeMounts().stream()
                .collect(Collectors.toMap(m -> m.getMountPath(), m -> m.getName()));
        assertThat(mounts).containsEntry("/tmp", "tmp").containsEntry(RelayEnvironment.STATE_DIR, "state");
        assertThat(volumes.get("tmp").getEmptyDir().getSizeLimit().toString()).isEqualTo("64Mi");
        assertThat(volumes.get("state").getEmptyDir()).isNotNull();
    }

    @Test
    void hostNetworkListensOnThePublicPortsItself() {
        DerpRegion region = Regions.region(2, RelayServiceType.HostNetwork);
        region.getSpec().setDerpPort(8443);
        region.getSpec().setStunPort(3479);
        region.getSpec().setHttpPort(8080);
        PodSpec pod = pod(region);
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        assertThat(relay(pod).getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort,
                ContainerPort::getProtocol).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("derp", 8443, "TCP"),
                        org.assertj.core.groups.Tuple.tuple("http", 8080, "TCP"),
                        org.assertj.core.groups.Tuple.tuple("stun", 3479, "UDP"),
                        org.assertj.core.groups.Tuple.tuple("management", RelayEnvironment.MANAGEMENT_PORT, "TCP"));
        // Everything else stays as locked down as behind a Service.
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(relay(pod).getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

        Map<String, String> env = RelayEnvironment.configMapData(region);
        assertThat(env).containsEntry("WAYSTATION_RELAY_PORT", "8443").containsEntry("WAYSTATION_RELAY_HTTP_PORT", "8080")
                .containsEntry("WAYSTATION_STUN_PORT", "3479");
        assertThat(RelayEnvironment.meshWith(region)).contains("fra-0.").endsWith(":8443\n");
    }

    @Test
    void hostNetworkWithoutHttpPortHasNoHttpListener() {
        DerpRegion region = Regions.region(1, RelayServiceType.HostNetwork);
        region.getSpec().setHttpPort(0);
        assertThat(relay(pod(region)).getPorts()).extracting(ContainerPort::getName)
                .containsExactly("derp", "stun", "management");
        assertThat(RelayEnvironment.configMapData(region)).containsEntry("WAYSTATION_RELAY_HTTP_PORT", "-1");
    }

    @Test
    void behindAServiceTheRelayUsesTheFixedContainerPorts() {
        Map<String, String> env = RelayEnvironment.configMapData(Regions.region(1, RelayServiceType.LoadBalancer));
        assertThat(env).containsEntry("WAYSTATION_RELAY_PORT", "8443").containsEntry("WAYSTATION_RELAY_HTTP_PORT", "8080")
                .containsEntry("WAYSTATION_STUN_PORT", "3478");
    }
}

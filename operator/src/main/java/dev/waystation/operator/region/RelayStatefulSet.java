package dev.waystation.operator.region;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.waystation.crd.v1alpha1.CaConfigMapRef;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.RelayScheduling;
import dev.waystation.crd.v1alpha1.RelayServiceType;

import dev.waystation.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;

/**
 * The relays: a StatefulSet, so node {@code i} is always pod {@code <region>-i} with a stable name in
 * the mesh and its own per-node Service. Pods start in parallel (nodes do not depend on each other),
 * restart when the relay configuration changes (its hash is a pod annotation), and load their
 * configuration from the relay ConfigMap and the mesh key from its Secret.
 */
@ApplicationScoped
class RelayStatefulSet implements RegionDependent {

    static final String CONTAINER = "relay";
    static final String CONFIG_HASH_ANNOTATION = "waystation.dev/config-hash";

    private final OperatorConfig config;

    @Inject
    RelayStatefulSet(OperatorConfig config) {
        this.config = config;
    }

    @Override
    public List<HasMetadata> desired(DerpRegion region) {
        DerpRegionSpec spec = region.getSpec();
        return List.of(new StatefulSetBuilder()
                .withMetadata(RegionObjects.ownedMeta(region, RegionObjects.statefulSet(region), RegionObjects.RELAY))
                .withNewSpec()
                .withReplicas(spec.getNodes())
                .withServiceName(RegionObjects.meshService(region))
                .withPodManagementPolicy("Parallel")
                .withNewSelector().withMatchLabels(RegionObjects.selector(region)).endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(RegionObjects.labels(region, RegionObjects.RELAY))
                .addToAnnotations(CONFIG_HASH_ANNOTATION, configHash(region))
                .endMetadata()
                .withSpec(podSpec(region))
                .endTemplate()
                .endSpec()
                .build());
    }

    private PodSpec podSpec(DerpRegion region) {
        DerpRegionSpec spec = region.getSpec();
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("state").withNewEmptyDir().endEmptyDir().build());
        mounts.add(new VolumeMountBuilder().withName("state").withMountPath(RelayEnvironment.STATE_DIR).build());
        volumes.add(new VolumeBuilder().withName("mesh-key")
                .withNewSecret().withSecretName(RegionObjects.meshKeySecret(region)).endSecret().build());
        mounts.add(new VolumeMountBuilder().withName("mesh-key").withMountPath(RelayEnvironment.MESH_KEY_DIR)
                .withReadOnly(true).build());
        volumes.add(new VolumeBuilder().withName("mesh-peers")
                .withNewConfigMap().withName(RegionObjects.meshPeersConfigMap(region)).endConfigMap().build());
        mounts.add(new VolumeMountBuilder().withName("mesh-peers").withMountPath(RelayEnvironment.MESH_PEERS_DIR)
                .withReadOnly(true).build());
        // The root file system is read-only: /tmp (Netty unpacks its native libraries there) is a volume.
        volumes.add(RelayPodSecurity.tmpVolume());
        mounts.add(RelayPodSecurity.tmpMount());
        Optional<String> tlsSecret = RegionObjects.mountedTlsSecret(region);
        if (tlsSecret.isPresent()) {
            volumes.add(new VolumeBuilder().withName("tls")
                    .withNewSecret().withSecretName(tlsSecret.get()).endSecret().build());
            mounts.add(new VolumeMountBuilder().withName("tls").withMountPath(RelayEnvironment.TLS_DIR)
                    .withReadOnly(true).build());
        }
        AcmeEnvironment.caConfigMap(region).ifPresent(ca -> {
            String key = ca.getKey() == null ? CaConfigMapRef.DEFAULT_KEY : ca.getKey();
            volumes.add(new VolumeBuilder().withName("acme-ca").withNewConfigMap().withName(ca.getName())
                    .addNewItem().withKey(key).withPath(AcmeEnvironment.CA_FILE).endItem().endConfigMap().build());
            mounts.add(new VolumeMountBuilder().withName("acme-ca").withMountPath(AcmeEnvironment.CA_DIR)
                    .withReadOnly(true).build());
        });
        ContainerBuilder relay = new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(spec.getImage() != null ? spec.getImage() : config.relayImage())
                .withImagePullPolicy(spec.getImagePullPolicy() == null ? null : spec.getImagePullPolicy().name())
                .withPorts(containerPorts(RelayPorts.of(spec)))
                .addNewEnvFrom().withNewConfigMapRef().withName(RegionObjects.relayConfigMap(region)).endConfigMapRef()
                .endEnvFrom()
                .withEnv(new EnvVarBuilder().withName(RelayEnvironment.NODE_INDEX_ENV)
                                .withNewValueFrom().withNewFieldRef()
                                .withFieldPath("metadata.labels['" + RelayEnvironment.POD_INDEX_LABEL + "']")
                                .endFieldRef().endValueFrom().build())
                .withStartupProbe(startupProbe())
                .withReadinessProbe(probe("/q/health/ready"))
                .withLivenessProbe(probe("/q/health/live"))
                .withResources(spec.getResources())
                .withVolumeMounts(mounts)
                .withSecurityContext(RelayPodSecurity.container());
        PodSpecBuilder pod = new PodSpecBuilder()
                .withServiceAccountName(RegionObjects.relayAccount(region))
                .withSecurityContext(RelayPodSecurity.pod())
                .withContainers(relay.build())
                .withVolumes(volumes);
        if (RegionDefaults.serviceType(spec) == RelayServiceType.HostNetwork) {
            // The node's own addresses and ports; cluster DNS (the mesh peers' names) still resolves.
            pod.withHostNetwork(true).withDnsPolicy("ClusterFirstWithHostNet");
        }
        RelayScheduling scheduling = spec.getScheduling();
        if (scheduling != null) {
            pod.withNodeSelector(scheduling.getNodeSelector())
                    .withTolerations(scheduling.getTolerations())
                    .withAffinity(scheduling.getAffinity())
                    .withTopologySpreadConstraints(scheduling.getTopologySpreadConstraints())
                    .withPriorityClassName(scheduling.getPriorityClassName());
        }
        return pod.build();
    }

    /**
     * Named container ports. On the host network these are host ports too, so the scheduler keeps two
     * relays (of any region) that would clash off the same node.
     */
    private static List<ContainerPort> containerPorts(RelayPorts ports) {
        List<ContainerPort> list = new ArrayList<>();
        list.add(new ContainerPortBuilder().withName("derp").withProtocol("TCP").withContainerPort(ports.derp()).build());
        if (ports.hasHttp()) {
            list.add(new ContainerPortBuilder().withName("http").withProtocol("TCP").withContainerPort(ports.http()).build());
        }
        list.add(new ContainerPortBuilder().withName("stun").withProtocol("UDP").withContainerPort(ports.stun()).build());
        list.add(new ContainerPortBuilder().withName("management").withProtocol("TCP")
                .withContainerPort(RelayEnvironment.MANAGEMENT_PORT).build());
        return list;
    }

    /** Up to 5 minutes to start, checked every 2 s so a relay that starts fast is live at once. */
    private static final int STARTUP_PROBE_PERIOD_SECONDS = 2;
    private static final int STARTUP_PROBE_FAILURES = 150;

    private static Probe probe(String path) {
        return new ProbeBuilder().withNewHttpGet().withPath(path)
                .withPort(new IntOrString(RelayEnvironment.MANAGEMENT_PORT)).endHttpGet()
                .withPeriodSeconds(10).build();
    }

    /**
     * Holds the liveness probe off until the JVM has started: on a busy node a relay may need more
     * than the liveness probe's 30 s to start, and would be killed over and over before serving.
     */
    private static Probe startupProbe() {
        return new ProbeBuilder().withNewHttpGet().withPath("/q/health/started")
                .withPort(new IntOrString(RelayEnvironment.MANAGEMENT_PORT)).endHttpGet()
                .withPeriodSeconds(STARTUP_PROBE_PERIOD_SECONDS).withFailureThreshold(STARTUP_PROBE_FAILURES).build();
    }

    /**
     * Changes whenever the relay ConfigMap's content does, so the pods roll to pick it up; keys that
     * only scaling changes are left out, and the mesh peer list lives in a file the relays re-read.
     */
    static String configHash(DerpRegion region) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            RelayEnvironment.configMapData(region).forEach((key, value) -> {
                if (RelayEnvironment.NOT_HASHED.contains(key)) {
                    return;
                }
                sha256.update(key.getBytes(StandardCharsets.UTF_8));
                sha256.update((byte) 0);
                sha256.update(value.getBytes(StandardCharsets.UTF_8));
                sha256.update((byte) 0);
            });
            return HexFormat.of().formatHex(sha256.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}

package dev.waystation.operator.region;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.PolicyDocumentConfigMap;
import dev.waystation.crd.v1alpha1.TlsMode;
import dev.waystation.operator.ManagedLabels;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/**
 * Names, labels and owner references of the objects a {@link DerpRegion} owns, decided here once.
 * Every object is named after the region ({@code metadata.name}, at most
 * {@link DerpRegion#MAX_NAME_LENGTH} characters) plus a suffix.
 */
public final class RegionObjects {

    /** Component label values. */
    static final String RELAY = "relay";
    static final String NODE_SERVICE = "node-service";
    /** Label on per-node Services holding the node's ordinal. */
    static final String NODE_INDEX = "waystation.dev/node-index";
    /** The StatefulSet controller labels each pod with its own name; per-node Services select on it. */
    static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

    private RegionObjects() {
    }

    static String statefulSet(DerpRegion region) {
        return name(region);
    }

    static String pod(DerpRegion region, int index) {
        return name(region) + "-" + index;
    }

    /** Headless Service giving each pod a stable DNS name for the mesh. */
    static String meshService(DerpRegion region) {
        return name(region) + "-mesh";
    }

    /** Per-node Service, named like the pod it selects. */
    static String nodeService(DerpRegion region, int index) {
        return pod(region, index);
    }

    static String meshKeySecret(DerpRegion region) {
        return name(region) + "-mesh-key";
    }

    /** Every node's self-signed key and certificate (SelfSigned regions). */
    static String nodeCertificateSecret(DerpRegion region) {
        return name(region) + "-node-tls";
    }

    static String relayConfigMap(DerpRegion region) {
        return name(region) + "-relay";
    }

    /** The region's mesh peer list, mounted as a file the relays re-read (scaling rolls no pod). */
    static String meshPeersConfigMap(DerpRegion region) {
        return name(region) + "-mesh-peers";
    }

    /** ServiceAccount, Role and RoleBinding of the relays. */
    static String relayAccount(DerpRegion region) {
        return name(region) + "-relay";
    }

    static String disruptionBudget(DerpRegion region) {
        return name(region);
    }

    static String serviceMonitor(DerpRegion region) {
        return name(region);
    }

    /** The cert-manager Certificate of a region in TLS mode CertManager. */
    static String certificate(DerpRegion region) {
        return name(region);
    }

    /**
     * The Secret the relays load their certificate from: {@code spec.tls.secretName} in mode Manual,
     * the one cert-manager writes for the region's Certificate in mode CertManager, none otherwise.
     */
    static Optional<String> tlsSecret(DerpRegion region) {
        return switch (RegionDefaults.tlsMode(region.getSpec())) {
            case Manual -> Optional.of(region.getSpec().getTls().getSecretName());
            case CertManager -> Optional.of(name(region) + "-tls");
            default -> Optional.empty();
        };
    }

    /** The Secret mounted as the relays' TLS directory: {@link #tlsSecret}, or in mode SelfSigned the operator's own. */
    static Optional<String> mountedTlsSecret(DerpRegion region) {
        return RegionDefaults.tlsMode(region.getSpec()) == TlsMode.SelfSigned
                ? Optional.of(nodeCertificateSecret(region)) : tlsSecret(region);
    }

    /** The policy document ConfigMap the policy projection writes and the relays read. */
    static String policyConfigMap(DerpRegion region) {
        return PolicyDocumentConfigMap.nameFor(name(region));
    }


    /** Labels selecting the region's relay pods. */
    static Map<String, String> selector(DerpRegion region) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ManagedLabels.NAME, "waystation-relay");
        labels.put(ManagedLabels.INSTANCE, name(region));
        return labels;
    }

    static Map<String, String> labels(DerpRegion region, String component) {
        Map<String, String> labels = selector(region);
        labels.put(ManagedLabels.COMPONENT, component);
        labels.put(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE);
        labels.put(ManagedLabels.DERP_REGION, name(region));
        return labels;
    }

    /** Metadata of an owned object: name, the region's namespace, labels, and the region as controller owner. */
    static ObjectMetaBuilder owned(DerpRegion region, String name, String component) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(region.getMetadata().getNamespace())
                .withLabels(labels(region, component))
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(region.getApiVersion())
                        .withKind(region.getKind())
                        .withName(name(region))
                        .withUid(region.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build());
    }

    static ObjectMeta ownedMeta(DerpRegion region, String name, String component) {
        return owned(region, name, component).build();
    }

    private static String name(DerpRegion region) {
        return region.getMetadata().getName();
    }
}

package dev.waystation.operator.region;

import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.TlsMode;
import dev.waystation.operator.ManagedLabels;
import dev.waystation.operator.tls.NodeCertificateIssuer;
import dev.waystation.operator.tls.ServedCertificate;
import dev.waystation.tls.CertificateFileNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A SelfSigned region's node certificates: one Secret {@code <region>-node-tls} holding every node's
 * key and certificate ({@link NodeCertificateIssuer}), mounted into every relay pod, which loads its own
 * pair by its hostname. One Secret rather than one per node, so the pod template (one for all pods of a
 * StatefulSet) stays the same when the region scales and the mount follows rotations without a restart.
 * Written only when a pair is missing, lacks a name the node now needs, or is due for renewal; a node
 * published under a cluster-assigned address gets its first pair once that address is known, so the
 * first pin is final.
 */
@ApplicationScoped
class NodeCertificateSecret {

    /**
     * Makes the Secret hold a valid pair for every node; returns the Secret as it now is (what was
     * written, or {@code existing} when nothing needed to change).
     *
     * @param existing the Secret as cached, or null
     * @param publishedNames per node index, the name the DERP map publishes (configured, or an address
     *        the cluster assigned): the certificate carries it too, since clients check it; a node
     *        missing here has no address yet and gets its pair once it has one
     */
    Secret ensure(DerpRegion region, Secret existing, Map<Integer, String> publishedNames, KubernetesClient client,
            Instant now) {
        if (existing != null && unchanged(wanted(region, existing, publishedNames, now), existing)) {
            return existing;
        }
        // The cache may lag behind our own last write: decide on the live Secret, so a pair issued a
        // moment ago is never replaced by another (which would change the node's pin for nothing).
        Secret live = client.secrets().inNamespace(region.getMetadata().getNamespace())
                .withName(RegionObjects.nodeCertificateSecret(region)).get();
        Map<String, String> data = wanted(region, live, publishedNames, now);
        if (live != null && unchanged(data, live)) {
            return live;
        }
        Secret secret = new SecretBuilder()
                .withMetadata(RegionObjects.ownedMeta(region, RegionObjects.nodeCertificateSecret(region),
                        RegionObjects.RELAY))
                .withType("Opaque")
                .withData(data)
                .build();
        return client.secrets().inNamespace(region.getMetadata().getNamespace()).resource(secret)
                .fieldManager(ManagedLabels.FIELD_MANAGER).forceConflicts().serverSideApply();
    }

    /** The Secret data wanted (see {@link #ensure}), keeping every pair of {@code existing} that still serves. */
    static Map<String, String> wanted(DerpRegion region, Secret existing, Map<Integer, String> publishedNames,
            Instant now) {
        List<NodeCertificateIssuer.Node> nodes = new ArrayList<>();
        for (int i = 0; i < region.getSpec().getNodes(); i++) {
            Set<String> names = new LinkedHashSet<>();
            names.add(RelayEnvironment.relayHostname(region, i));
            names.add(RelayEnvironment.podDnsName(region, i));
            Optional.ofNullable(publishedNames.get(i)).ifPresent(names::add);
            nodes.add(new NodeCertificateIssuer.Node(RelayEnvironment.relayHostname(region, i), List.copyOf(names),
                    !publishedNames.containsKey(i)));
        }
        try {
            return NodeCertificateIssuer.data(existing == null ? null : existing.getData(), nodes, now);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue the node certificates of DerpRegion "
                    + region.getMetadata().getName() + ": " + e.getMessage(), e);
        }
    }

    // The API server stores a Secret without data as one whose data is absent.
    private static boolean unchanged(Map<String, String> data, Secret secret) {
        return data.equals(secret.getData() == null ? Map.of() : secret.getData());
    }

    /** What node {@code index} serves according to the Secret, when the region is SelfSigned. */
    static Optional<ServedCertificate> served(DerpRegion region, Secret secret, int index) {
        if (RegionDefaults.tlsMode(region.getSpec()) != TlsMode.SelfSigned) {
            return Optional.empty();
        }
        return ServedCertificate.fromSecret(secret,
                CertificateFileNames.certificate(RelayEnvironment.relayHostname(region, index)));
    }
}

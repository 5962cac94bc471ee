package dev.waystation.operator.region;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.operator.OperatorConfig;
import dev.waystation.operator.status.RegionProblem;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What the operator's configuration lets a DerpRegion ask for: its namespace, its image, the Secret it
 * mounts as certificate. Whoever may create a DerpRegion could otherwise run any image with any Secret
 * of the namespace mounted. A refused region is not deployed; its condition names the setting to change.
 */
@ApplicationScoped
class RegionAllowList {

    private static final String WILDCARD = "*";

    private final OperatorConfig config;

    @Inject
    RegionAllowList(OperatorConfig config) {
        this.config = config;
    }

    Optional<RegionProblem> refusal(DerpRegion region, KubernetesClient client) {
        String namespace = region.getMetadata().getNamespace();
        if (config.regionNamespaces().filter(allowed -> !allowed.contains(namespace)).isPresent()) {
            return refused("namespace " + namespace + " is not in waystation.operator.region-namespaces");
        }
        DerpRegionSpec spec = region.getSpec();
        if (spec.getImage() != null && !imageAllowed(spec.getImage())) {
            return refused("image " + spec.getImage() + " is not in waystation.operator.allowed-images");
        }
        // A CertManager region's Secret may not exist yet (cert-manager writes it, labelled); once it
        // exists it must pass like any other, so an unrelated Secret of that name is never mounted.
        boolean mayBePending = RegionCertificate.wanted(region);
        String secretName = RegionObjects.tlsSecret(region).orElse(null);
        if (secretName != null && !secretAllowed(namespace, secretName, mayBePending, client)) {
            return refused("Secret " + secretName + " is not labelled " + config.tls().secretLabel()
                    + "=true (and not in waystation.operator.tls.allowed-secrets), or does not exist yet");
        }
        return Optional.empty();
    }

    boolean imageAllowed(String image) {
        List<String> allowed = config.allowedImages().orElse(List.of(config.relayImage()));
        return allowed.stream().anyMatch(entry -> entry.endsWith(WILDCARD)
                ? image.startsWith(entry.substring(0, entry.length() - WILDCARD.length()))
                : image.equals(entry));
    }

    private boolean secretAllowed(String namespace, String name, boolean mayBePending, KubernetesClient client) {
        if (config.tls().allowedSecrets().filter(allowed -> allowed.contains(namespace + "/" + name)).isPresent()) {
            return true;
        }
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null && mayBePending) {
            return true;
        }
        Map<String, String> labels = secret == null ? null : secret.getMetadata().getLabels();
        return labels != null && "true".equals(labels.get(config.tls().secretLabel()));
    }

    private static Optional<RegionProblem> refused(String message) {
        return Optional.of(new RegionProblem(RegionProblem.NOT_ALLOWED, message, true));
    }
}

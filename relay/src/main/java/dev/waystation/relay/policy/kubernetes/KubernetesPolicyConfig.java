package dev.waystation.relay.policy.kubernetes;

import java.util.Optional;

import dev.waystation.crd.v1alpha1.PolicyDocumentConfigMap;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The Kubernetes policy store: the region's policy document ConfigMap, which the operator projects
 * from Policy resources, watched through the API server. Off by default so a relay started outside a
 * cluster (dev mode) needs none; the operator turns it on for the relays it runs.
 */
@ConfigMapping(prefix = "waystation.policy.kubernetes")
public interface KubernetesPolicyConfig {

    /** Watch the policy ConfigMap and register its document's sources. */
    @WithDefault("false")
    boolean enabled();

    /** Namespace of the ConfigMap; default: the pod's namespace (in-cluster) or the kubeconfig context's. */
    Optional<String> namespace();

    /** Name of the ConfigMap; required when enabled (the operator names it {@code <derpregion>-policy}). */
    Optional<String> configMap();

    /** Data key holding the policy document. */
    @WithDefault(PolicyDocumentConfigMap.DATA_KEY)
    String dataKey();

    /** Kubeconfig file to use; default: {@code KUBECONFIG}, {@code ~/.kube/config}, or the in-cluster service account. */
    Optional<String> kubeconfig();
}

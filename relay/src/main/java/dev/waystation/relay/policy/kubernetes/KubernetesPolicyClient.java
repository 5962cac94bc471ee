package dev.waystation.relay.policy.kubernetes;

import java.io.File;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;

/** The API client of the Kubernetes policy store: a kubeconfig file if configured, else Fabric8's auto-configuration. */
final class KubernetesPolicyClient {

    private KubernetesPolicyClient() {
    }

    static Config config(KubernetesPolicyConfig settings) {
        return settings.kubeconfig()
                .map(path -> Config.fromKubeconfig(new File(path)))
                // KUBECONFIG, ~/.kube/config, or the pod's service account (in-cluster).
                .orElseGet(() -> Config.autoConfigure(null));
    }

    /** A client on the relay's own Vert.x instance (no second event loop pool). */
    static KubernetesClient create(Config config, Vertx vertx) {
        return new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new VertxHttpClientFactory(vertx)).build();
    }
}

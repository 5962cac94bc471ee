package dev.waystation.operator;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Relay pods as the StatefulSet controller and kubelet would leave them, for an API server that has
 * neither: a Pod named and labelled like the StatefulSet's pod {@code index}, then marked Ready
 * through its status subresource, which is what the kubelet writes.
 */
final class RelayPods {

    private RelayPods() {
    }

    static void markReady(KubernetesClient client, String namespace, String region, int index) {
        String name = region + "-" + index;
        if (client.pods().inNamespace(namespace).withName(name).get() == null) {
            client.pods().inNamespace(namespace).resource(new PodBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace)
                    .addToLabels("app.kubernetes.io/name", "waystation-relay")
                    .addToLabels("app.kubernetes.io/instance", region)
                    .addToLabels("waystation.dev/derp-region", region)
                    .addToLabels("statefulset.kubernetes.io/pod-name", name)
                    .endMetadata()
                    .withNewSpec().addNewContainer().withName("relay").withImage("waystation/relay:0.1.0").endContainer()
                    .endSpec().build()).create();
        }
        client.pods().inNamespace(namespace).withName(name).editStatus(pod -> new PodBuilder(pod).editOrNewStatus()
                .withPhase("Running")
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
                .endStatus().build());
    }
}

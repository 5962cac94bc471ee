package dev.waystation.operator;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.function.Predicate;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** DerpRegion steps the operator ITs share: a namespace to put one in, and waiting for the operator's status. */
final class Regions {

    static final Duration WAIT = Duration.ofSeconds(60);

    private Regions() {
    }

    static void namespace(KubernetesClient client, String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .serverSideApply();
    }

    /** The region once the operator has written a status for its current generation that satisfies {@code done}. */
    static DerpRegion awaitStatus(KubernetesClient client, String namespace, String name, Predicate<DerpRegionStatus> done) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(
                () -> client.resources(DerpRegion.class).inNamespace(namespace).withName(name).get(),
                r -> r != null && r.getStatus() != null
                        && r.getMetadata().getGeneration().equals(r.getStatus().getObservedGeneration())
                        && done.test(r.getStatus()));
    }
}

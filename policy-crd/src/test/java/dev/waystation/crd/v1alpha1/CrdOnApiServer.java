package dev.waystation.crd.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.waystation.testing.Closer;
import dev.waystation.testing.GoHarness;
import dev.waystation.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Base of the CRD validation ITs: a real API server per test class with every CRD from
 * {@code kubernetes/crds} installed, manifests in namespace {@code default}, and the check that the
 * API server refuses one with a given message.
 */
abstract class CrdOnApiServer {

    static TestCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void installCrds() {
        cluster = TestCluster.start();
        client = cluster.client();
        cluster.kubectl("apply", "-f", GoHarness.repositoryRoot().resolve("kubernetes/crds").toString()).assertSuccess();
        cluster.kubectl("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s").assertSuccess();
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(client, cluster);
    }

    /** A {@code waystation.dev/v1alpha1} manifest of {@code kind} in namespace {@code default}. */
    static String manifest(String kind, String name, String specBody) {
        return """
                apiVersion: waystation.dev/v1alpha1
                kind: %s
                metadata:
                  name: %s
                  namespace: default
                spec:
                %s
                """.formatted(kind, name, specBody.indent(2));
    }

    /** The API server answers 422 with {@code expectedMessage} (a schema or CEL message). */
    static void assertRejected(String yaml, String expectedMessage) {
        assertThatThrownBy(() -> client.resource(yaml).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
                .hasMessageContaining(expectedMessage);
    }
}

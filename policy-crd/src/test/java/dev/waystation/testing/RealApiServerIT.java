package dev.waystation.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

/** The binaries built by src/testcluster run a real API server that the real kubectl and Fabric8 talk to. */
class RealApiServerIT {

    @Test
    void realApiServerAnswersKubectlAndFabric8() {
        try (TestCluster cluster = TestCluster.start(); KubernetesClient client = cluster.client()) {
            assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v" + cluster.version());

            client.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                    .withNewMetadata().withName("probe").endMetadata()
                    .addToData("written-by", "fabric8").build()).create();

            KubectlResult get = cluster.kubectl("get", "configmap", "probe", "-n", "default",
                    "-o", "jsonpath={.data.written-by}").assertSuccess();
            assertThat(get.output()).isEqualTo("fabric8");

            cluster.kubectl("version", "-o", "json").assertSuccess();
            KubectlResult missing = cluster.kubectl("get", "configmap", "absent", "-n", "default");
            assertThat(missing.exitCode()).isNotZero();
            assertThat(missing.output()).contains("NotFound");
            ConfigMap stillThere = client.configMaps().inNamespace("default").withName("probe").get();
            assertThat(stillThere).isNotNull();
        }
    }
}

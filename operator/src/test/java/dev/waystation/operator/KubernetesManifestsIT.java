package dev.waystation.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import dev.waystation.testing.GoHarness;
import dev.waystation.testing.KubectlResult;
import dev.waystation.testing.TestCluster;
import org.junit.jupiter.api.Test;

/**
 * The install manifests and examples apply cleanly with the real kubectl, twice (the second time
 * changes nothing but the CRDs' float formatting), and {@code kubectl get derpregions} shows the printer columns.
 */
class KubernetesManifestsIT {

    @Test
    void installManifestsAndExamplesApply() {
        Path kubernetes = GoHarness.repositoryRoot().resolve("kubernetes");
        try (TestCluster cluster = TestCluster.start()) {
            String install = kubernetes.resolve("install.yaml").toString();
            String examples = kubernetes.resolve("examples").toString();

            // As the README says: install.yaml (CRDs, RBAC, operator), then the examples.
            KubectlResult installed = cluster.kubectl("apply", "-f", install).assertSuccess();
            assertThat(installed.output()).contains(
                    "customresourcedefinition.apiextensions.k8s.io/derpregions.waystation.dev created",
                    "customresourcedefinition.apiextensions.k8s.io/policies.waystation.dev created",
                    "namespace/waystation-system created", "deployment.apps/waystation-operator created");
            cluster.kubectl("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s").assertSuccess();
            KubectlResult applied = cluster.kubectl("apply", "-f", examples).assertSuccess();
            assertThat(applied.output()).contains("derpregion.waystation.dev/home created",
                    "derpregion.waystation.dev/fra created");

            KubectlResult again = cluster.kubectl("apply", "-f", install, "-f", examples).assertSuccess();
            // Client-side apply re-patches the generated CRDs every time (Fabric8 writes numbers such as
            // "maximum: 65535.0", which the server stores as 65535), so only the rest must be unchanged.
            assertThat(again.output().lines().filter(line -> !line.startsWith("customresourcedefinition")))
                    .isNotEmpty().allMatch(line -> line.endsWith(" unchanged"));

            cluster.kubectl("get", "deployment/waystation-operator", "-n", "waystation-system").assertSuccess();
            // The alerts are a PrometheusRule: a cluster with the Prometheus Operator has its CRD.
            cluster.kubectl("apply", "-f", Path.of("src/test/resources/prometheusrule-crd.yaml").toAbsolutePath().toString())
                    .assertSuccess();
            cluster.kubectl("wait", "--for=condition=Established", "crd/prometheusrules.monitoring.coreos.com",
                    "--timeout=60s").assertSuccess();
            assertThat(cluster.kubectl("apply", "-f", kubernetes.resolve("monitoring").toString()).assertSuccess()
                    .output()).contains("configmap/waystation-grafana-dashboard created",
                            "prometheusrule.monitoring.coreos.com/waystation-prober created");
            cluster.kubectl("auth", "can-i", "patch", "derpregions.waystation.dev/status",
                    "--as=system:serviceaccount:waystation-system:waystation-operator", "-n", "default").assertSuccess();
            cluster.kubectl("auth", "can-i", "update", "leases.coordination.k8s.io",
                    "--as=system:serviceaccount:waystation-system:waystation-operator", "-n", "waystation-system")
                    .assertSuccess();
            cluster.kubectl("auth", "can-i", "watch", "customresourcedefinitions.apiextensions.k8s.io",
                    "--as=system:serviceaccount:waystation-system:waystation-operator").assertSuccess();

            KubectlResult table = cluster.kubectl("get", "derpregions", "-n", "default").assertSuccess();
            assertThat(table.output().lines().findFirst().orElseThrow())
                    .containsPattern("NAME\\s+AGE\\s+CODE\\s+ID\\s+STATUS\\s+NODES READY");
            assertThat(table.output()).containsPattern("(?m)^fra\\s+\\S+\\s+fra\\s+901\\s*$")
                    .containsPattern("(?m)^home\\s+\\S+\\s+home\\s+900\\s*$");
            assertThat(cluster.kubectl("get", "waystation", "-A").assertSuccess().output()).contains("fra", "home");
        }
    }
}

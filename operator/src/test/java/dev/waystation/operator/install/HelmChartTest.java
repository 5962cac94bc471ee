package dev.waystation.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.GoHarness;
import dev.waystation.testing.ToolScript;

/**
 * The Helm chart (kubernetes/helm/waystation), rendered by the real {@code helm} (built from its Go
 * module by src/helm/build.sh), installs exactly what kubernetes/install.yaml does, and its values
 * move both images at once.
 */
class HelmChartTest {

    private static final String FIX = "edit kubernetes/helm/waystation/templates to match kubernetes/operator, "
            + "then run src/manifests/bundle.sh";
    private static final String MINIMUM_KUBERNETES = "1.28.0";
    private static Path helm;
    private static Path chart;

    @BeforeAll
    static void buildHelm() {
        helm = ToolScript.run("src/helm/build.sh", 30);
        chart = GoHarness.repositoryRoot().resolve("kubernetes/helm/waystation");
    }

    @Test
    void defaultValuesRenderInstallYaml() throws Exception {
        Map<String, JsonNode> rendered = ManifestObjects.parse(template("--set", "namespace.create=true"));
        Map<String, JsonNode> install = ManifestObjects.parse(
                Files.readString(GoHarness.repositoryRoot().resolve("kubernetes/install.yaml")));
        ManifestObjects.assertSameObjects(rendered, install, FIX);
    }

    @Test
    void imageValuesSetTheOperatorAndTheRelayImage() {
        String yaml = template("--set", "image.registry=registry.example.com", "--set", "image.group=platform",
                "--set", "image.tag=1.2.3");
        JsonNode operator = ManifestObjects.operatorContainer(ManifestObjects.parse(yaml));
        assertThat(operator.path("image").asText()).isEqualTo("registry.example.com/platform/operator:1.2.3");
        assertThat(ManifestObjects.env(operator, "WAYSTATION_OPERATOR_RELAY_IMAGE"))
                .isEqualTo("registry.example.com/platform/relay:1.2.3");
        assertThat(yaml).doesNotContain("localhost/waystation");
    }

    @Test
    void namespaceResourcesAndServiceMonitorLabelsAreValues() {
        Map<String, JsonNode> objects = ManifestObjects.parse(templateIn("relays", "--set", "namespace.create=true",
                "--set", "operator.resources.limits.memory=1Gi",
                "--set", "serviceMonitor.enabled=true", "--set", "serviceMonitor.labels.release=prometheus"));
        assertThat(objects).containsKeys("Namespace//relays", "ServiceAccount/relays/waystation-operator",
                "Deployment/relays/waystation-operator", "Service/relays/waystation-operator");
        assertThat(objects.get("Namespace//relays").at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText())
                .isEqualTo("restricted");
        assertThat(objects.get("ClusterRoleBinding//waystation-operator").at("/subjects/0/namespace").asText())
                .isEqualTo("relays");
        assertThat(objects.get("Deployment/relays/waystation-operator")
                .at("/spec/template/spec/containers/0/resources/limits/memory").asText()).isEqualTo("1Gi");
        JsonNode monitor = objects.get("ServiceMonitor/relays/waystation-operator");
        assertThat(monitor).as("the operator's ServiceMonitor").isNotNull();
        assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
        assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("management");
    }

    private static String template(String... arguments) {
        return templateIn("waystation-system", arguments);
    }

    private static String templateIn(String namespace, String... arguments) {
        // The oldest Kubernetes the chart supports (a built helm would otherwise assume 1.20).
        List<String> command = new ArrayList<>(List.of(helm.toString(), "template", "waystation", chart.toString(),
                "--namespace", namespace, "--include-crds", "--kube-version", MINIMUM_KUBERNETES));
        command.addAll(List.of(arguments));
        return ToolScript.output(command, 60);
    }
}

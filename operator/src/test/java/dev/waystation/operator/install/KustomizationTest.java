package dev.waystation.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.waystation.testing.GoHarness;
import dev.waystation.testing.TestCluster;
import dev.waystation.testing.ToolScript;

/**
 * kubernetes/kustomization.yaml, built by the real kubectl's Kustomize: on its own it is
 * install.yaml, and one {@code images:} override in an overlay moves the operator's image and the
 * relay image it hands out.
 */
class KustomizationTest {

    @Test
    void theBaseIsInstallYaml() throws Exception {
        Path kubernetes = GoHarness.repositoryRoot().resolve("kubernetes");
        ManifestObjects.assertSameObjects(ManifestObjects.parse(kustomize(kubernetes)),
                ManifestObjects.parse(Files.readString(kubernetes.resolve("install.yaml"))),
                "kubernetes/kustomization.yaml must add nothing to install.yaml");
    }

    @Test
    void oneImagesOverrideMovesBothImages(@TempDir Path overlay) throws Exception {
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s   # Kustomize takes only relative paths
                images:
                  - name: localhost/waystation/operator
                    newName: registry.example.com/platform/operator
                    newTag: "1.2.3"
                  - name: localhost/waystation/relay
                    newName: registry.example.com/platform/relay
                    newTag: "1.2.3"
                """.formatted(overlay.toAbsolutePath().relativize(GoHarness.repositoryRoot().resolve("kubernetes"))));
        String yaml = kustomize(overlay);
        Map<String, JsonNode> objects = ManifestObjects.parse(yaml);
        JsonNode operator = ManifestObjects.operatorContainer(objects);
        assertThat(operator.path("image").asText()).isEqualTo("registry.example.com/platform/operator:1.2.3");
        assertThat(ManifestObjects.env(operator, "WAYSTATION_OPERATOR_RELAY_IMAGE"))
                .isEqualTo("registry.example.com/platform/relay:1.2.3");
        assertThat(yaml).doesNotContain("localhost/waystation");
    }

    private static String kustomize(Path dir) {
        Path kubectl = TestCluster.binaries().resolve("kubectl");
        return ToolScript.output(List.of(kubectl.toString(), "kustomize", dir.toString()), 60);
    }
}

package dev.waystation.crd.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import dev.waystation.testing.GoHarness;
import org.junit.jupiter.api.Test;

/**
 * {@code kubernetes/crds/} is what users apply; it must be exactly what the build generates from the
 * classes in this package (the crd-generator plugin writes {@code target/classes/META-INF/fabric8/}).
 */
class CrdManifestsTest {

    private static final String REFRESH = "refresh the copy: ./mvnw -q process-classes -pl policy-crd && "
            + "cp policy-crd/target/classes/META-INF/fabric8/*.yml kubernetes/crds/";

    @Test
    void committedCrdsEqualTheGeneratedOnes() throws IOException {
        Path generated = Path.of("target/classes/META-INF/fabric8");
        Path committed = GoHarness.repositoryRoot().resolve("kubernetes/crds");

        Map<String, String> fromBuild = read(generated);
        Map<String, String> fromRepository = read(committed);

        assertThat(fromBuild).as("the build generated CRDs").containsKey("derpregions.waystation.dev-v1.yml");
        assertThat(fromRepository.keySet()).as("CRD files in kubernetes/crds; " + REFRESH)
                .containsExactlyElementsOf(fromBuild.keySet());
        fromBuild.forEach((name, yaml) -> assertThat(fromRepository.get(name))
                .as("kubernetes/crds/%s differs from the generated CRD; %s", name, REFRESH)
                .isEqualTo(yaml));
    }

    private static Map<String, String> read(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.list(dir)) {
            for (Path path : paths.filter(p -> p.toString().endsWith(".yml")).toList()) {
                files.put(path.getFileName().toString(), Files.readString(path));
            }
        }
        return files;
    }
}

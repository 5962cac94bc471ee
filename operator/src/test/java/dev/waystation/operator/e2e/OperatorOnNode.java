package dev.waystation.operator.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.waystation.testing.GoHarness;
import dev.waystation.testing.KubeNode;

/**
 * The operator installed on the test node the way a user installs it ({@code kubectl apply -k} of an
 * overlay of {@code kubernetes/}, i.e. install.yaml with the images this build made), once per JVM. Its namespace
 * enforces the {@code restricted} Pod Security level before the operator's pod is created, so a
 * Ready operator is also an admitted one.
 */
final class OperatorOnNode {

    static final String NAMESPACE = "waystation-system";
    static final String DEPLOYMENT = "waystation-operator";
    static final String SERVICE = "waystation-operator";
    /** The DERP map's path and port on the operator's Service (install.yaml). */
    static final String DERP_MAP_PATH = "/derpmap.json";
    static final int HTTP_PORT = 8080;
    static final String ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
    static final String RESTRICTED = "restricted";
    /** The image names install.yaml (kubernetes/kustomization.yaml) uses, which an overlay renames. */
    private static final String OPERATOR_IMAGE = "localhost/waystation/operator";
    private static final String RELAY_IMAGE = "localhost/waystation/relay";

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    private static OperatorOnNode installed;

    private final KubeNode node;
    private final String relayImage;

    private OperatorOnNode(KubeNode node, String relayImage) {
        this.node = node;
        this.relayImage = relayImage;
    }

    /** Starts the node if needed, imports both images, installs the operator and waits until it is Ready. */
    static synchronized OperatorOnNode get() {
        if (installed == null) {
            installed = install(KubeNode.get());
        }
        return installed;
    }

    private static OperatorOnNode install(KubeNode node) {
        Path root = GoHarness.repositoryRoot();
        String operatorImage = node.importImage(root.resolve("operator/target/jib-image.tar"));
        String relayImage = node.importImage(root.resolve("relay/target/jib-image.tar"));

        node.kubectl("create", "namespace", NAMESPACE).assertSuccess();
        restrict(node, NAMESPACE);
        node.kubectl("apply", "-k", overlay(root, operatorImage, relayImage).toString()).assertSuccess();
        node.kubectl("rollout", "status", "deployment/" + DEPLOYMENT, "-n", NAMESPACE,
                "--timeout=" + READY_TIMEOUT.toSeconds() + "s").assertSuccess();
        OperatorOnNode operator = new OperatorOnNode(node, relayImage);
        await("the operator's DERP map to be served").atMost(READY_TIMEOUT).pollInterval(Duration.ofSeconds(1))
                .until(() -> node.inNamespace(Duration.ofSeconds(30), "curl", "-sf", operator.derpMapUrl()).exitCode() == 0);
        return operator;
    }

    /** Labels a namespace so the API server admits only pods that meet the restricted Pod Security level. */
    static void restrict(KubeNode node, String namespace) {
        node.kubectl("label", "namespace", namespace, ENFORCE_LABEL + "=" + RESTRICTED,
                "pod-security.kubernetes.io/warn=" + RESTRICTED, "--overwrite").assertSuccess();
    }

    /**
     * A Kustomize overlay of {@code kubernetes/} whose {@code images:} names the images this build
     * imported: the one override README documents (it moves the relay image the operator hands out too).
     */
    private static Path overlay(Path root, String operatorImage, String relayImage) {
        try {
            Path dir = root.resolve("operator/target/e2e-install");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("kustomization.yaml"), """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    resources:
                      - %s
                    images:
                      - name: %s
                        newName: %s
                        newTag: %s
                      - name: %s
                        newName: %s
                        newTag: %s
                    """.formatted(dir.relativize(root.resolve("kubernetes")), OPERATOR_IMAGE, name(operatorImage),
                    tag(operatorImage), RELAY_IMAGE, name(relayImage), tag(relayImage)));
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the install overlay: " + e.getMessage(), e);
        }
    }

    private static String name(String image) {
        return image.substring(0, image.lastIndexOf(':'));
    }

    private static String tag(String image) {
        return image.substring(image.lastIndexOf(':') + 1);
    }

    KubeNode node() {
        return node;
    }

    /** The relay image the operator gives DerpRegions without spec.image. */
    String relayImage() {
        return relayImage;
    }

    /** The DERP map URL as clients inside the node's network reach it (the operator Service's ClusterIP). */
    String derpMapUrl() {
        String clusterIp = node.kubectl("get", "service", SERVICE, "-n", NAMESPACE, "-o", "jsonpath={.spec.clusterIP}")
                .assertSuccess().output().strip();
        return "http://" + clusterIp + ":" + HTTP_PORT + DERP_MAP_PATH;
    }
}

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
    /**
     * The namespace the e2e DerpRegions live in: added to the operator's region namespaces with its
     * RoleBinding to {@code waystation-operator-regions}, as README tells a user to do for each one.
     */
    static final String REGION_NAMESPACE = "waystation-e2e";
    /**
     * The namespace of the e2e HostNetwork region: Pod Security admits host-network pods only at the
     * {@code privileged} level, so it cannot be the restricted one.
     */
    static final String HOST_NETWORK_NAMESPACE = "waystation-e2e-hostnet";
    static final String PRIVILEGED = "privileged";
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
     * It also adds the e2e region namespace as README says: the namespace (restricted Pod Security from
     * before its first pod), its RoleBinding, and the operator's region-namespaces setting.
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
                      - region-namespace.yaml
                    patches:
                      - patch: |-
                          apiVersion: apps/v1
                          kind: Deployment
                          metadata:
                            name: %s
                            namespace: %s
                          spec:
                            template:
                              spec:
                                containers:
                                  - name: operator
                                    env:
                                      - name: WAYSTATION_OPERATOR_REGION_NAMESPACES
                                        value: default,%s,%s
                    images:
                      - name: %s
                        newName: %s
                        newTag: %s
                      - name: %s
                        newName: %s
                        newTag: %s
                    """.formatted(dir.relativize(root.resolve("kubernetes")), DEPLOYMENT, NAMESPACE, REGION_NAMESPACE,
                    HOST_NETWORK_NAMESPACE, OPERATOR_IMAGE, name(operatorImage),
                    tag(operatorImage), RELAY_IMAGE, name(relayImage), tag(relayImage)));
            Files.writeString(dir.resolve("region-namespace.yaml"), regionNamespace(REGION_NAMESPACE, RESTRICTED)
                    + "---\n" + regionNamespace(HOST_NETWORK_NAMESPACE, PRIVILEGED));
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the install overlay: " + e.getMessage(), e);
        }
    }

    /** A region namespace at a Pod Security level, with the RoleBinding README tells a user to add. */
    private static String regionNamespace(String namespace, String podSecurity) {
        return """
                    apiVersion: v1
                    kind: Namespace
                    metadata:
                      name: %1$s
                      labels:
                        %2$s: %3$s
                        pod-security.kubernetes.io/warn: %3$s
                    ---
                    apiVersion: rbac.authorization.k8s.io/v1
                    kind: RoleBinding
                    metadata:
                      name: waystation-operator-regions
                      namespace: %1$s
                    roleRef:
                      apiGroup: rbac.authorization.k8s.io
                      kind: ClusterRole
                      name: waystation-operator-regions
                    subjects:
                      - kind: ServiceAccount
                        name: waystation-operator
                        namespace: %4$s
                    """.formatted(namespace, ENFORCE_LABEL, podSecurity, NAMESPACE);
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

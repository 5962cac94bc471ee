package dev.waystation.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real Kubernetes API server (kube-apiserver + etcd, through Fabric8's kube-api-test) and the real
 * {@code kubectl}, for tests. The binaries are built from their Go modules by
 * {@code src/testcluster/build.sh} the first time and cached in {@code KUBE_API_TEST_DIR}
 * (default {@code ~/.kubeapitest}); see {@code src/testcluster/README.md}.
 *
 * <p>No controller manager runs: there is no garbage collector, no StatefulSet controller, no
 * Pods. Assert owner references rather than cascading deletion.
 *
 * <p>Each instance gets its own directory for certificates (kube-api-test writes them next to the
 * binaries, and its lock is per JVM, so suites running side by side would race on shared ones) with
 * a link to the shared binary cache. Start at most one per test class: a start costs seconds.
 */
public final class TestCluster implements AutoCloseable {

    private static final long BUILD_TIMEOUT_MINUTES = 60;
    private static final int STARTUP_TIMEOUT_MILLIS = 120_000;
    private static final long KUBECTL_TIMEOUT_SECONDS = 120;
    private static Path builtVersionDir;

    private final KubeAPIServer server;
    private final Path workDir;
    private final Path kubeconfig;
    private final String version;

    private TestCluster(KubeAPIServer server, Path workDir, Path kubeconfig, String version) {
        this.server = server;
        this.workDir = workDir;
        this.kubeconfig = kubeconfig;
        this.version = version;
    }

    /** Builds the binaries if missing, then starts an API server; fails with the build output on error. */
    public static TestCluster start() {
        Path versionDir = binaries();
        String versionDirName = versionDir.getFileName().toString();
        String version = versionDirName.substring(0, versionDirName.indexOf('-'));
        Path workDir;
        try {
            workDir = Files.createTempDirectory("waystation-kubeapitest");
            Files.createSymbolicLink(workDir.resolve("k8s"), versionDir.getParent());
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare a kube-api-test directory: " + e.getMessage(), e);
        }
        KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(workDir.toString())
                .withApiServerVersion(version)
                // The KUBE_API_TEST_OFFLINE_MODE variable is broken in 7.5.2 (String cast to Boolean).
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .withStartupTimeout(STARTUP_TIMEOUT_MILLIS)
                .withWaitForEtcdHealthCheckOnStartup(true)
                .build());
        try {
            server.start();
            Path kubeconfig = workDir.resolve("kubeconfig");
            Files.writeString(kubeconfig, server.getKubeConfigYaml());
            return new TestCluster(server, workDir, kubeconfig, version);
        } catch (RuntimeException | IOException e) {
            stopQuietly(server);
            deleteRecursively(workDir);
            throw new IllegalStateException("the test API server (kube-apiserver " + version + " from "
                    + versionDir + ") did not start: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code src/testcluster/build.sh} once per JVM and returns the version directory holding
     * {@code kube-apiserver}, {@code etcd} and {@code kubectl}.
     */
    public static synchronized Path binaries() {
        if (builtVersionDir != null) {
            return builtVersionDir;
        }
        Path dir = ToolScript.run("src/testcluster/build.sh", BUILD_TIMEOUT_MINUTES);
        for (String binary : List.of("kube-apiserver", "etcd", "kubectl")) {
            if (!Files.isExecutable(dir.resolve(binary))) {
                throw new IllegalStateException("src/testcluster/build.sh reported " + dir + " but it has no " + binary);
            }
        }
        builtVersionDir = dir;
        return dir;
    }

    /** The Kubernetes version of the binaries, e.g. {@code 1.34.4}. */
    public String version() {
        return version;
    }

    /** A kubeconfig file for this API server (cluster-admin client certificate). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The kubeconfig YAML, for a {@link Config} or a process that takes it in its environment. */
    public String kubeconfigYaml() {
        try {
            return Files.readString(kubeconfig);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new Fabric8 client for this API server; the caller closes it. */
    public KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfigYaml())).build();
    }

    /**
     * A kubeconfig that authenticates as the service account {@code namespace/name} (a token from the
     * TokenRequest API), so a process runs with exactly the RBAC a pod of that account has.
     */
    public Path serviceAccountKubeconfig(String namespace, String name) {
        String token = kubectl("create", "token", name, "-n", namespace, "--duration=1h").assertSuccess().output().strip();
        String server = kubectl("config", "view", "--raw", "--flatten", "-o", "jsonpath={.clusters[0].cluster.server}")
                .assertSuccess().output().strip();
        String authority = kubectl("config", "view", "--raw", "--flatten", "-o",
                "jsonpath={.clusters[0].cluster.certificate-authority-data}").assertSuccess().output().strip();
        if (authority.isEmpty()) {
            throw new AssertionError("the test kubeconfig names no certificate authority: " + kubeconfigYaml());
        }
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: %s
                  user:
                    token: %s
                contexts:
                - name: test
                  context:
                    cluster: test
                    user: %s
                    namespace: %s
                current-context: test
                """.formatted(server, authority, name, token, name, namespace);
        try {
            Path file = Files.createTempFile(workDir, "kubeconfig-" + name, ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a kubeconfig: " + e.getMessage(), e);
        }
    }

    /** Runs the real {@code kubectl} against this API server. */
    public KubectlResult kubectl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binaries().resolve("kubectl").toString());
        command.add("--kubeconfig=" + kubeconfig);
        command.addAll(List.of(args));
        return ProcessRun.run(command, "kubectl " + String.join(" ", args), Duration.ofSeconds(KUBECTL_TIMEOUT_SECONDS));
    }

    @Override
    public void close() {
        stopQuietly(server);
        deleteRecursively(workDir);
    }

    private static void stopQuietly(KubeAPIServer server) {
        try {
            server.stop();
        } catch (RuntimeException e) {
            // Already stopped (kube-api-test stops everything when one process dies); nothing left to do.
        }
    }

    private static void deleteRecursively(Path dir) {
        // The k8s link is removed as a link: walk() does not follow symbolic links.
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temp directory left behind is harmless.
        }
    }
}

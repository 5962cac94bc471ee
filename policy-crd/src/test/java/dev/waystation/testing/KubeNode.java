package dev.waystation.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real single-node Kubernetes (kubelet, containerd, kube-proxy, CoreDNS, controller manager,
 * scheduler, API server) in a network namespace of its own, started by
 * {@code src/testcluster/node.sh} once per JVM and torn down when the JVM exits (and, should the
 * JVM die, by the next start). Pods get images only through {@link #importImage(Path)}: there is
 * no registry.
 *
 * <p>The host reaches the API server through the kubeconfig; everything else of the node (node
 * IP, ClusterIPs, NodePorts, pod IPs) only from inside the namespace, with {@link #inNamespace}.
 *
 * <p>A node that cannot start (not root, packages that cannot be installed, a build failure) is a
 * test failure carrying node.sh's messages, never a skip.
 */
public final class KubeNode {

    /** Cold: builds kubelet and friends (minutes); warm: the node is Ready in about 20 s. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(60);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration KUBECTL_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(5);
    private static final int LOG_LINES_IN_FAILURE = 40;
    private static final String UNPACKING = "unpacking ";
    private static KubeNode started;

    private final Path script;
    private final Path kubeconfig;
    private final Map<String, String> facts;

    private KubeNode(Path script, Path kubeconfig, Map<String, String> facts) {
        this.script = script;
        this.kubeconfig = kubeconfig;
        this.facts = facts;
    }

    /** The node of this JVM, started on first use. */
    public static synchronized KubeNode get() {
        if (started == null) {
            started = up();
            KubeNode node = started;
            Runtime.getRuntime().addShutdownHook(new Thread(node::down, "kube-node-down"));
        }
        return started;
    }

    private static KubeNode up() {
        Path script = GoHarness.repositoryRoot().resolve("src/testcluster/node.sh");
        List<String> lines = script(script, "up", START_TIMEOUT);
        Path kubeconfig = Path.of(lines.get(lines.size() - 1).trim());
        if (!Files.isRegularFile(kubeconfig)) {
            throw new IllegalStateException(script + " up printed " + kubeconfig + ", which is no kubeconfig file");
        }
        Map<String, String> facts = new HashMap<>();
        for (String line : script(script, "env", STOP_TIMEOUT)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                facts.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return new KubeNode(script, kubeconfig, facts);
    }

    /** Runs node.sh; its progress goes to a log whose tail is the failure message when it fails. */
    private static List<String> script(Path script, String command, Duration timeout) {
        try {
            Path out = Files.createTempFile("node-" + command, ".out");
            Path log = Files.createTempFile("node-" + command, ".log");
            ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), command)
                    .redirectOutput(out.toFile()).redirectError(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // The node belongs to this JVM: another suite's start waits for it instead of tearing it down.
            builder.environment().put("WAYSTATION_NODE_OWNER", String.valueOf(ProcessHandle.current().pid()));
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            List<String> progress = Files.readAllLines(log, StandardCharsets.UTF_8);
            System.err.println(String.join("\n", progress));
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            Files.deleteIfExists(log);
            if (!finished || process.exitValue() != 0 || lines.isEmpty()) {
                String tail = String.join("\n", progress.subList(Math.max(0, progress.size() - LOG_LINES_IN_FAILURE),
                        progress.size()));
                throw new IllegalStateException("the test Kubernetes node did not come " + command + " ("
                        + script + " " + command + (finished ? " exited with " + process.exitValue()
                                : " did not finish within " + timeout.toMinutes() + " min")
                        + "). It needs root and installs Debian packages; see src/testcluster/README.md. "
                        + "Its last messages:\n" + tail);
            }
            return lines;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script + " " + command, e);
        }
    }

    private void down() {
        try {
            script(script, "down", STOP_TIMEOUT);
        } catch (RuntimeException e) {
            System.err.println("tearing the test node down failed (the next start cleans up): " + e.getMessage());
        }
    }

    private String fact(String name) {
        String value = facts.get(name);
        if (value == null) {
            throw new IllegalStateException(script + " env printed no " + name + ": " + facts);
        }
        return value;
    }

    /** The kubeconfig of the cluster admin, for the host side (127.0.0.1, relayed into the namespace). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The node's IP: reachable only inside the namespace (kubelet, NodePorts, hostNetwork pods). */
    public String nodeIp() {
        return fact("WAYSTATION_NODE_IP");
    }

    /** The Node object's name. */
    public String nodeName() {
        return fact("WAYSTATION_NODE_NAME");
    }

    /** The pod sandbox image the node imported at start: an image every pod of this node can use. */
    public String sandboxImage() {
        return fact("WAYSTATION_NODE_SANDBOX_IMAGE");
    }

    /** A new Fabric8 client for the cluster; the caller closes it. */
    public KubernetesClient client() {
        try {
            return new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8))).build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + kubeconfig + ": " + e.getMessage(), e);
        }
    }

    /** Runs the real {@code kubectl} against the node's API server. */
    public KubectlResult kubectl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(TestCluster.binaries().resolve("kubectl").toString());
        command.add("--kubeconfig=" + kubeconfig);
        command.addAll(List.of(args));
        return ProcessRun.run(command, "kubectl " + String.join(" ", args), KUBECTL_TIMEOUT);
    }

    /**
     * Imports a docker-archive image tarball (Jib's buildTar, for example) into the node's containerd,
     * where the kubelet finds it by its tag, and returns that image reference. Pods must use it with
     * {@code imagePullPolicy} {@code Never} or {@code IfNotPresent}.
     */
    public String importImage(Path tarball) {
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException("no image tarball at " + tarball + " (the package phase builds it)");
        }
        String output = ProcessRun.run(List.of("ctr", "--address", fact("WAYSTATION_NODE_CONTAINERD_SOCKET"), "-n",
                "k8s.io", "images", "import", tarball.toString()), "ctr images import " + tarball, IMPORT_TIMEOUT)
                .assertSuccess().output();
        // ctr reports "unpacking <reference> (sha256:...)...done" for each image of the tarball.
        return output.lines().filter(line -> line.startsWith(UNPACKING)).map(line -> line.substring(UNPACKING.length()))
                .map(rest -> rest.substring(0, rest.indexOf(' '))).findFirst()
                .orElseThrow(() -> new IllegalStateException("ctr imported no tagged image from " + tarball + ":\n" + output));
    }

    /** Runs a command inside the node's network namespace (where ClusterIPs, NodePorts and pods are reachable). */
    public KubectlResult inNamespace(Duration timeout, String... command) {
        return ProcessRun.run(namespaced(command), String.join(" ", command), timeout);
    }

    /**
     * Starts a long-running command inside the node's network namespace, stdout and stderr going to
     * {@code output}; the caller waits on that file and destroys the process.
     */
    public Process startInNamespace(Path output, Map<String, String> environment, String... command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(namespaced(command)).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(environment);
            return builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command[0] + " in the node's namespace: " + e.getMessage(), e);
        }
    }

    /** {@code command} prefixed so that it runs inside the node's network namespace. */
    public List<String> namespaced(String... command) {
        List<String> full = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + fact("WAYSTATION_NODE_NETNS"), "--"));
        full.addAll(List.of(command));
        return full;
    }
}

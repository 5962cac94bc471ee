package dev.waystation.relay.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

import dev.waystation.relay.tls.CertifiedKey;
import dev.waystation.relay.tls.PemFiles;
import dev.waystation.relay.tls.TestPemFiles;
import dev.waystation.relay.tls.TestPki;
import dev.waystation.testing.GoCheck;
import dev.waystation.testing.GoHarness;
import dev.waystation.testing.RelayProcess;

/**
 * A DERP region on loopback for mesh tests: Waystation nodes (each its own process, hostname,
 * port and certificate from one test CA) and real derper nodes built from {@code tailscale.com/cmd/derper}
 * at the harness's version, all sharing one mesh key. Node names such as {@code node-a.mesh.test}
 * do not resolve: every mesh entry and Go client dials 127.0.0.1 and verifies the name.
 */
final class MeshRegion implements AutoCloseable {

    static final String DIAL_HOST = "127.0.0.1";
    static final long GO_TIMEOUT_SECONDS = 180;

    private final Path dir;
    private final TestPki pki;
    private final Path caFile;
    private final Path meshKeyFile;
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    /** One node of the region: a name, a fixed port (restarts keep it), and the running process. */
    final class Node {
        final String name;
        final int port;
        final boolean derper;
        final Path home;
        RelayProcess relay;
        Process derperProcess;
        /** Extra relay configuration, applied over the defaults at each start. */
        final Map<String, String> extraConfig = new LinkedHashMap<>();

        /** The node's certificate: from the region's test CA, or self-signed as in a SelfSigned region. */
        final CertifiedKey certificate;

        Node(String name, boolean derper, boolean selfSigned, String... moreNames) throws Exception {
            this.name = name;
            this.derper = derper;
            this.port = freePort();
            this.home = Files.createDirectories(dir.resolve(name));
            String[] names = new String[moreNames.length + 1];
            names[0] = name;
            System.arraycopy(moreNames, 0, names, 1, moreNames.length);
            certificate = selfSigned ? TestPki.selfSigned(names) : pki.issue(name, names);
            TestPemFiles.write(certificate, home.resolve(derper ? name + ".crt" : "tls.crt"),
                    home.resolve(derper ? name + ".key" : "tls.key"));
        }

        /** {@code name:port/127.0.0.1}: the form both derper's -mesh-with and Waystation's mesh-with take. */
        String meshEntry() {
            return name + ":" + port + "/" + DIAL_HOST;
        }

        String url() {
            return "https://" + name + ":" + port + "/derp";
        }

        Path peerFile() {
            return home.resolve("mesh-with");
        }

        /** Starts the node; a Waystation node reads its peers from {@link #peerFile()}, derper gets {@code peers}. */
        Node start(List<Node> peers) {
            if (derper) {
                startDerper(peers);
            } else {
                writePeers(peers);
                Map<String, String> config = new LinkedHashMap<>();
                config.put("waystation.relay.mode", "production");
                config.put("waystation.relay.host", DIAL_HOST);
                config.put("waystation.relay.port", Integer.toString(port));
                config.put("waystation.relay.http-port", "-1");
                config.put("waystation.relay.hostname", name);
                config.put("waystation.relay.key-file", home.resolve("derper.key").toString());
                config.put("waystation.relay.tls.cert-file", home.resolve("tls.crt").toString());
                config.put("waystation.relay.tls.key-file", home.resolve("tls.key").toString());
                config.put("waystation.relay.mesh-key-file", meshKeyFile.toString());
                config.put("waystation.relay.mesh-with-file", peerFile().toString());
                config.put("waystation.relay.mesh-with-reload-interval", "200ms");
                config.put("waystation.relay.mesh-ca-file", caFile.toString());
                config.put("waystation.relay.shutdown-grace-period", "2s");
                config.putAll(extraConfig);
                relay = RelayProcess.start(config);
            }
            return this;
        }

        /** Replaces a Waystation node's peer list (read again while it runs). */
        void writePeers(List<Node> peers) {
            writePeerEntries(peers.stream().map(Node::meshEntry).toList());
        }

        /** Replaces a Waystation node's peer list with literal {@code mesh-with} entries. */
        void writePeerEntries(List<String> entries) {
            try {
                Path tmp = home.resolve("mesh-with.tmp");
                Files.writeString(tmp, String.join("\n", entries) + "\n");
                Files.move(tmp, peerFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void startDerper(List<Node> peers) {
            Path binary = GoHarness.build("derper", "tailscale.com/cmd/derper");
            List<String> command = new ArrayList<>(List.of(binary.toString(),
                    "-a", DIAL_HOST + ":" + port, "-certmode", "manual", "-certdir", home.toString(),
                    "-hostname", name, "-http-port", "-1", "-stun=false", "-c", home.resolve("derper.key").toString(),
                    "-mesh-psk-file", meshKeyFile.toString(),
                    "-mesh-with", String.join(",", peers.stream().map(Node::meshEntry).toList())));
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("derper.log").toFile()));
                builder.environment().putAll(goEnv());
                derperProcess = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start derper: " + command, e);
            }
            Awaitility.await(name + " (derper) listening").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        if (!derperProcess.isAlive()) {
                            throw new AssertionError("derper exited with " + derperProcess.exitValue() + ":\n" + log());
                        }
                        try (Socket probe = new Socket(DIAL_HOST, port)) {
                            return true;
                        } catch (IOException notYet) {
                            return false;
                        }
                    });
        }

        /** Kills the node at once (SIGKILL): no Restarting frame, no drain. */
        void kill() {
            Process process = derper ? derperProcess : relay.process();
            process.destroyForcibly();
            try {
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(name + " exited").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Stops the node gracefully (SIGTERM). */
        void stop() {
            if (derper) {
                derperProcess.destroy();
            } else {
                relay.stop(Duration.ofSeconds(30));
            }
        }

        boolean isRunning() {
            return derper ? derperProcess != null && derperProcess.isAlive() : relay != null && relay.process().isAlive();
        }

        String log() {
            try {
                return derper ? Files.readString(home.resolve("derper.log")) : relay.logText();
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        /** A Waystation node's metric sample, e.g. {@code waystation_mesh_peer_up{peer="..."}}. */
        double metric(String sample) {
            return relay.metric(sample);
        }

        /** {@code waystation_mesh_peer_up} of this Waystation node for {@code peer}. */
        boolean linkUp(Node peer) {
            return metric("waystation_mesh_peer_up{peer=\"" + peer.name + ":" + peer.port + "\"}") == 1;
        }

        void awaitLinkUp(Node peer) {
            Awaitility.await(name + " -> " + peer.name + " mesh link up").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> linkUp(peer));
        }
    }

    MeshRegion(String name) throws Exception {
        dir = Files.createTempDirectory("waystation-mesh-" + name);
        pki = new TestPki("Waystation mesh test CA");
        caFile = dir.resolve("ca.pem");
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(caFile))) {
            writer.writeObject(pki.caCertificate());
        }
        byte[] key = new byte[32];
        ThreadLocalRandom.current().nextBytes(key);
        meshKeyFile = dir.resolve("mesh.key");
        Files.writeString(meshKeyFile, HexFormat.of().formatHex(key) + "\n");
    }

    /** A Waystation node whose certificate carries {@code name} and {@code moreNames}. */
    Node waystation(String name, String... moreNames) throws Exception {
        Node node = new Node(name, false, false, moreNames);
        nodes.put(name, node);
        return node;
    }

    /**
     * A Waystation node with a self-signed certificate, as in a SelfSigned region: relays trust it only
     * by pinning it (their mesh CA file lists it); the Go clients of {@link #goEnv()} trust it.
     */
    Node selfSignedWaystation(String name) throws Exception {
        Node node = new Node(name, false, true);
        nodes.put(name, node);
        Files.writeString(caFile, PemFiles.encodeChain(node.certificate.chain()), StandardOpenOption.APPEND);
        return node;
    }

    Node derper(String name) throws Exception {
        Node node = new Node(name, true, false);
        nodes.put(name, node);
        return node;
    }

    /** A PEM file holding some other CA, which signed none of the nodes. */
    Path otherCaFile() throws Exception {
        Path other = dir.resolve("other-ca.pem");
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(other))) {
            writer.writeObject(new TestPki("Some other CA").caCertificate());
        }
        return other;
    }

    List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    Path dir() {
        return dir;
    }

    /** Environment for Go programs: trust the test CA, dial 127.0.0.1 for every node name. */
    Map<String, String> goEnv() {
        return Map.of("SSL_CERT_FILE", caFile.toString(), "MESHCHECK_DIAL_HOST", DIAL_HOST);
    }

    /** Runs {@code meshcheck args...} and fails with its output and every node's log unless it passes. */
    GoCheck.Result meshcheck(String... args) {
        GoCheck.Result result = GoCheck.run("meshcheck", goEnv(), GO_TIMEOUT_SECONDS, args);
        assertThat(result.ok()).as("meshcheck %s:\n%s\n%s", String.join(" ", args), result.output(), logs()).isTrue();
        return result;
    }

    /** Starts {@code meshcheck args...} without waiting (for checks the test interrupts, like failover). */
    GoCheck.Running startMeshcheck(String... args) {
        return GoCheck.start(GoHarness.command("meshcheck"), goEnv(), args);
    }

    /**
     * {@code derpprobe -once} over a DERP map of {@code members} (one region, every ordered pair probed,
     * TLS verified against the test CA); fails unless every probe is good. The certificate probe is
     * off: it dials the node's hostname through DNS (the mesh probes use the map's IPv4), and these
     * names do not resolve; TlsInteropIT runs it against a resolvable name.
     */
    String derpprobe(List<Node> members) throws IOException {
        StringBuilder nodeJson = new StringBuilder();
        for (int i = 0; i < members.size(); i++) {
            Node node = members.get(i);
            nodeJson.append(i == 0 ? "" : ",").append("""
                    {"Name": "900%c", "RegionID": 900, "HostName": "%s", "IPv4": "%s", "IPv6": "none",
                     "DERPPort": %d, "STUNPort": -1}""".formatted((char) ('a' + i), node.name, DIAL_HOST, node.port));
        }
        Path map = dir.resolve("derpmap-" + System.nanoTime() + ".json");
        Files.writeString(map, """
                {"Regions": {"900": {"RegionID": 900, "RegionCode": "mesh", "RegionName": "Waystation mesh IT",
                  "Nodes": [%s]}}}
                """.formatted(nodeJson));
        Path derpprobe = GoHarness.build("derpprobe", "tailscale.com/cmd/derpprobe");
        GoCheck.Result result = GoCheck.run(derpprobe, goEnv(), GO_TIMEOUT_SECONDS, "-derp-map",
                "file://" + map.toAbsolutePath(), "-once", "-spread=false", "-tls-interval", "0",
                "-mesh-interval", "15s", "-stun-interval", "0");
        assertThat(result.ok()).as("derpprobe:\n%s\n%s", result.output(), logs()).isTrue();
        assertThat(result.output()).doesNotContain("bad: ");
        for (Node from : members) {
            for (Node to : members) {
                String probe = "derp/mesh/900" + (char) ('a' + members.indexOf(from)) + "/900"
                        + (char) ('a' + members.indexOf(to)) + "/mesh";
                assertThat(result.output()).as("derpprobe output").contains("good: " + probe);
            }
        }
        return result.output();
    }

    String logs() {
        StringBuilder all = new StringBuilder();
        for (Node node : nodes.values()) {
            if (node.relay != null || node.derperProcess != null) {
                all.append("---- ").append(node.name).append(node.derper ? " (derper)" : "").append(" log:\n")
                        .append(node.log()).append('\n');
            }
        }
        return all.toString();
    }

    @Override
    public void close() {
        for (Node node : nodes.values()) {
            if (node.derperProcess != null) {
                node.derperProcess.destroyForcibly();
            }
            if (node.relay != null) {
                node.relay.close();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(DIAL_HOST))) {
            return socket.getLocalPort();
        }
    }
}

package dev.waystation.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import dev.waystation.testing.GoCheck;
import dev.waystation.testing.RelayProcess;
import dev.waystation.testing.TrustEveryCertificate;
import dev.waystation.tls.CertificatePin;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Relays started from exactly what the operator wrote for a region, as kubelet would run its pod: the
 * relay ConfigMap as environment, the node certificate and mesh-key Secrets and the mesh peer list as
 * files; and what a client sees of them (the served certificate's pin, Tailscale's {@code derphttp}
 * going through the published DERP map).
 */
final class RelaysAsPods {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private RelaysAsPods() {
    }

    /**
     * The relay as its pod runs it: the relay ConfigMap as environment, the node index from the pod
     * label, the Secrets as files. Only what a laptop cannot give a process is changed: the mounts
     * live in {@code mounts}, the plain-HTTP port (80) is off, STUN and management ports are free ones,
     * the policy store is off (it would need the relay's ServiceAccount), and the DERP port is the
     * region's own.
     */
    static RelayProcess start(KubernetesClient client, String namespace, String region, int index, int derpPort,
            Path mounts) throws IOException {
        await("relay ConfigMaps of " + region).atMost(WAIT)
                .until(() -> client.configMaps().inNamespace(namespace).withName(region + "-relay").get() != null
                        && client.configMaps().inNamespace(namespace).withName(region + "-mesh-peers").get() != null);
        ConfigMap config = client.configMaps().inNamespace(namespace).withName(region + "-relay").get();
        Path tls = Files.createDirectories(mounts.resolve("tls"));
        writeSecret(client.secrets().inNamespace(namespace).withName(region + "-node-tls").get(), tls);
        Path meshKey = Files.createDirectories(mounts.resolve("mesh-key"));
        writeSecret(client.secrets().inNamespace(namespace).withName(region + "-mesh-key").get(), meshKey);
        Path meshPeers = Files.createDirectories(mounts.resolve("mesh"));
        Files.writeString(meshPeers.resolve("mesh-with"), client.configMaps().inNamespace(namespace)
                .withName(region + "-mesh-peers").get().getData().get("mesh-with"));
        Map<String, String> environment = new HashMap<>(config.getData());
        environment.put("WAYSTATION_RELAY_NODE_INDEX", String.valueOf(index));
        environment.replaceAll((key, value) -> value.replace("/etc/waystation/tls", tls.toString())
                .replace("/etc/waystation/mesh-key", meshKey.toString())
                .replace("/etc/waystation/mesh", meshPeers.toString())
                .replace("/var/lib/waystation", mounts.toString()));
        assertThat(environment).containsEntry("WAYSTATION_RELAY_TLS_CERT_DIR", tls.toString())
                .containsEntry("WAYSTATION_RELAY_MESH_CA_FILE", tls.resolve("mesh-ca.crt").toString())
                .containsKey("WAYSTATION_RELAY_NODE_HOSTNAMES");
        return RelayProcess.startWithEnvironment(Map.of(
                "waystation.relay.mode", "production",
                "waystation.relay.port", String.valueOf(derpPort),
                "waystation.relay.http-port", "-1",
                "waystation.policy.kubernetes.enabled", "false"), environment);
    }

    private static void writeSecret(Secret secret, Path dir) throws IOException {
        for (Map.Entry<String, String> entry : secret.getData().entrySet()) {
            Files.write(dir.resolve(entry.getKey()), Base64.getDecoder().decode(entry.getValue()));
        }
    }

    /** {@code derpcheck region}: Tailscale's derphttp, dialling each node exactly as the published map says. */
    static String tailscaleExchange(String derpMapUrl, int regionId) {
        GoCheck.Result result = GoCheck.run("derpcheck", 120, "region", derpMapUrl, String.valueOf(regionId));
        assertThat(result.ok()).as("derpcheck region %d:\n%s", regionId, result.output()).isTrue();
        return result.output();
    }

    /**
     * The pin of the leaf the relay on {@code port} presents for {@code hostname} (as SNI unless an IP);
     * whether it is trusted is the pin's business, which the callers check.
     */
    static String servedPin(String hostname, int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustEveryCertificate()}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            if (!hostname.matches("[0-9.]+")) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(hostname)));
                socket.setSSLParameters(parameters);
            }
            socket.startHandshake();
            return CertificatePin.of((X509Certificate) socket.getSession().getPeerCertificates()[0]);
        }
    }
}

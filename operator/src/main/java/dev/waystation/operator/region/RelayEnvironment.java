package dev.waystation.operator.region;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.TlsMode;
import dev.waystation.operator.status.NodeAddresses;
import dev.waystation.operator.status.RegionStatusCalculator;

/**
 * The one place that maps a DerpRegion onto the relay's configuration keys ({@code waystation.relay.*},
 * {@code waystation.stun.*}, {@code waystation.policy.*}), written in SmallRye's environment form and
 * handed to the pods through the relay ConfigMap ({@code envFrom}). The relay listens on
 * {@link RelayPorts}: the fixed container ports below behind the Services, the public ones on the
 * host network.
 */
final class RelayEnvironment {

    static final int DERP_CONTAINER_PORT = 8443;
    static final int HTTP_CONTAINER_PORT = 8080;
    static final int STUN_CONTAINER_PORT = 3478;
    static final int MANAGEMENT_PORT = 9000;
    /** Public plain-HTTP port (captive-portal probe, redirects), as derper's {@code -http-port}. */
    static final int PUBLIC_HTTP_PORT = 80;

    static final String TLS_DIR = "/etc/waystation/tls";
    static final String STATE_DIR = "/var/lib/waystation";
    /** Where the mesh-key Secret is mounted: the key is a file (derper's -mesh-psk-file), never an env variable. */
    static final String MESH_KEY_DIR = "/etc/waystation/mesh-key";
    /** Where the mesh peer ConfigMap is mounted; kubelet refreshes the file in place and the relay re-reads it. */
    static final String MESH_PEERS_DIR = "/etc/waystation/mesh";
    static final String MESH_PEERS_FILE = "mesh-with";
    /**
     * Keys whose change needs no restart, so they stay out of the pods' config hash: scaling appends or
     * drops node hostnames, and a running relay only reads its own entry, which scaling leaves alone.
     */
    static final Set<String> NOT_HASHED = Set.of("WAYSTATION_RELAY_NODE_HOSTNAMES");
    /**
     * Environment variable carrying the pod's index in its StatefulSet (the downward API's
     * {@code apps.kubernetes.io/pod-index} label): with {@code WAYSTATION_RELAY_NODE_HOSTNAMES} it gives
     * each relay its own hostname, though all pods share one template.
     */
    static final String NODE_INDEX_ENV = "WAYSTATION_RELAY_NODE_INDEX";
    static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

    private RelayEnvironment() {
    }

    /** The relay ConfigMap's data. */
    static Map<String, String> configMapData(DerpRegion region) {
        DerpRegionSpec spec = region.getSpec();
        Map<String, String> env = new TreeMap<>();
        env.put("WAYSTATION_RELAY_MODE", "production");
        RelayPorts ports = RelayPorts.of(spec);
        env.put("WAYSTATION_RELAY_PORT", String.valueOf(ports.derp()));
        env.put("WAYSTATION_RELAY_HTTP_PORT", String.valueOf(ports.http()));
        env.put("WAYSTATION_RELAY_KEY_FILE", STATE_DIR + "/derper.key");
        env.put("WAYSTATION_STUN_PORT", String.valueOf(ports.stun()));
        TlsMode mode = RegionDefaults.tlsMode(spec);
        env.put("WAYSTATION_RELAY_TLS_CERT_MODE", mode == TlsMode.LetsEncrypt ? "acme" : "manual");
        if (mode == TlsMode.Manual) {
            env.put("WAYSTATION_RELAY_TLS_CERT_FILE", TLS_DIR + "/tls.crt");
            env.put("WAYSTATION_RELAY_TLS_KEY_FILE", TLS_DIR + "/tls.key");
        }
        if (mode == TlsMode.LetsEncrypt) {
            env.putAll(AcmeEnvironment.of(region));
        }
        // The relay's own Profile scope is its DerpRegion, so Profile Policies naming the region reach it.
        env.put("WAYSTATION_POLICY_REGION", region.getMetadata().getName());
        nodeHostnames(region).ifPresent(hostnames -> env.put("WAYSTATION_RELAY_NODE_HOSTNAMES", hostnames));
        env.put("WAYSTATION_POLICY_KUBERNETES_ENABLED", "true");
        env.put("WAYSTATION_POLICY_KUBERNETES_CONFIG_MAP", RegionObjects.policyConfigMap(region));
        env.put("WAYSTATION_RELAY_MESH_KEY_FILE", MESH_KEY_DIR + "/" + MeshKeySecret.DATA_KEY);
        env.put("WAYSTATION_RELAY_MESH_WITH_FILE", MESH_PEERS_DIR + "/" + MESH_PEERS_FILE);
        return env;
    }

    /** Every node's hostname in index order, when the spec names them all (else they come from the Services). */
    static Optional<String> nodeHostnames(DerpRegion region) {
        DerpRegionSpec spec = region.getSpec();
        StringJoiner hostnames = new StringJoiner(",");
        for (int i = 0; i < spec.getNodes(); i++) {
            Optional<String> hostname = NodeAddresses.configuredHostName(spec, i,
                    RegionStatusCalculator.nodeName(spec.getRegionId(), i));
            if (hostname.isEmpty()) {
                return Optional.empty();
            }
            hostnames.add(hostname.get());
        }
        return Optional.of(hostnames.toString());
    }

    /**
     * The mesh peer list, one entry per node, each relay's own included (it skips itself):
     * {@code <hostname>/<pod>.<region>-mesh.<namespace>.svc:8443}, i.e. dial the pod's stable name on the
     * headless Service and verify the node's public hostname in its certificate. Without configured
     * hostnames the entry is the pod's stable name alone, which the certificate must then carry.
     */
    static String meshWith(DerpRegion region) {
        StringJoiner peers = new StringJoiner("\n", "", "\n");
        DerpRegionSpec spec = region.getSpec();
        String domain = RegionObjects.meshService(region) + "." + region.getMetadata().getNamespace() + ".svc";
        int derpPort = RelayPorts.of(spec).derp();
        for (int i = 0; i < spec.getNodes(); i++) {
            String dial = RegionObjects.pod(region, i) + "." + domain + ":" + derpPort;
            Optional<String> hostname = NodeAddresses.configuredHostName(spec, i,
                    RegionStatusCalculator.nodeName(spec.getRegionId(), i));
            peers.add(hostname.map(name -> name + "/" + dial).orElse(dial));
        }
        return peers.toString();
    }
}

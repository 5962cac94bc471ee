package dev.waystation.operator.region;

import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.TlsMode;
import dev.waystation.operator.status.NodeAddresses;
import dev.waystation.operator.tls.NodeCertificateIssuer;
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
        if (RegionObjects.tlsSecret(region).isPresent()) {
            env.put("WAYSTATION_RELAY_TLS_CERT_FILE", TLS_DIR + "/tls.crt");
            env.put("WAYSTATION_RELAY_TLS_KEY_FILE", TLS_DIR + "/tls.key");
            // The Secret's CA when it has one (a private issuer); without it the relays use the JVM's store.
            env.put("WAYSTATION_RELAY_MESH_CA_FILE", TLS_DIR + "/ca.crt");
        } else if (mode == TlsMode.SelfSigned) {
            // Every node's pair sits in one Secret named <hostname>.crt/.key: the relay picks its own, as
            // derper does in -certdir, and trusts the bundle of all of them for the mesh.
            env.put("WAYSTATION_RELAY_TLS_CERT_DIR", TLS_DIR);
            env.put("WAYSTATION_RELAY_MESH_CA_FILE", TLS_DIR + "/" + NodeCertificateIssuer.MESH_CA_KEY);
        }
        if (mode == TlsMode.LetsEncrypt) {
            env.putAll(AcmeEnvironment.of(region));
        }
        // The relay's own Profile scope is its DerpRegion, so Profile Policies naming the region reach it.
        env.put("WAYSTATION_POLICY_REGION", region.getMetadata().getName());
        env.put("WAYSTATION_RELAY_NODE_HOSTNAMES", nodeHostnames(region));
        env.put("WAYSTATION_POLICY_KUBERNETES_ENABLED", "true");
        env.put("WAYSTATION_POLICY_KUBERNETES_CONFIG_MAP", RegionObjects.policyConfigMap(region));
        env.put("WAYSTATION_RELAY_MESH_KEY_FILE", MESH_KEY_DIR + "/" + MeshKeySecret.DATA_KEY);
        env.put("WAYSTATION_RELAY_MESH_WITH_FILE", MESH_PEERS_DIR + "/" + MESH_PEERS_FILE);
        return env;
    }

    /** Every node's {@link #relayHostname} in index order: the relay picks its own by its pod index. */
    static String nodeHostnames(DerpRegion region) {
        StringJoiner hostnames = new StringJoiner(",");
        for (int i = 0; i < region.getSpec().getNodes(); i++) {
            hostnames.add(relayHostname(region, i));
        }
        return hostnames.toString();
    }

    /**
     * The name node {@code index}'s relay goes by (its TLS name, its certificate files, its mesh
     * identity): the hostname the spec gives it, else its pod's stable DNS name on the mesh Service,
     * never the relay's {@code localhost} default. A node published under an address the cluster
     * assigns (a load balancer's, say) keeps this name; its certificate carries the address as well.
     */
    static String relayHostname(DerpRegion region, int index) {
        return NodeAddresses.configuredHostName(region.getSpec(), index,
                RegionStatusCalculator.nodeName(region.getSpec().getRegionId(), index))
                .orElseGet(() -> podDnsName(region, index));
    }

    /** {@code <pod>.<region>-mesh.<namespace>.svc}: resolvable inside the cluster for as long as the pod exists. */
    static String podDnsName(DerpRegion region, int index) {
        return RegionObjects.pod(region, index) + "." + RegionObjects.meshService(region) + "."
                + region.getMetadata().getNamespace() + ".svc";
    }

    /**
     * The mesh peer list, one entry per node, each relay's own included (it skips itself):
     * {@code <relay hostname>/<pod DNS name>:<port>}, i.e. dial the pod's stable name on the headless
     * Service and verify the node's own name in its certificate (the dial entry alone when that name
     * is the pod's DNS name).
     */
    static String meshWith(DerpRegion region) {
        StringJoiner peers = new StringJoiner("\n", "", "\n");
        int derpPort = RelayPorts.of(region.getSpec()).derp();
        for (int i = 0; i < region.getSpec().getNodes(); i++) {
            String name = relayHostname(region, i);
            String dial = podDnsName(region, i) + ":" + derpPort;
            peers.add(name.equals(podDnsName(region, i)) ? dial : name + "/" + dial);
        }
        return peers.toString();
    }
}

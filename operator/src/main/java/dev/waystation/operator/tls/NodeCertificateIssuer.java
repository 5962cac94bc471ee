package dev.waystation.operator.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.waystation.tls.CertificateFileNames;
import dev.waystation.tls.SelfSignedCertificate;

/**
 * The content of a SelfSigned region's node certificate Secret: per node a key and a self-signed
 * certificate under the names the relay looks for in its certificate directory
 * ({@code <hostname>.crt}/{@code .key}, {@link CertificateFileNames}), plus {@link #MESH_CA_KEY}, every
 * node's certificate in one bundle the relays trust for the mesh. A node's pair is kept as long as it
 * carries every name the node needs and is not due for renewal, so pins survive restarts, rescheduling
 * and operator restarts; a pair is issued only when missing, short of a name, or near its end, and
 * not before the node's every name is known.
 * Pure apart from key generation: data in, data out, both base64 as a Secret's {@code data}.
 */
public final class NodeCertificateIssuer {

    /** Bundle of every node's certificate: the relays' mesh CA file. */
    public static final String MESH_CA_KEY = "mesh-ca.crt";

    /**
     * One node's needs.
     *
     * @param hostname the relay's own name (its files are named after it); always in the certificate
     * @param names every name the certificate must carry, {@code hostname} first
     * @param addressPending the DERP map will publish the node under an address the cluster has not
     *        assigned yet (no hostname configured): a pair issued now would lack that name and be
     *        replaced, pin and all, as soon as it is known, so none is issued until then (a pair the
     *        node already has is kept)
     */
    public record Node(String hostname, List<String> names, boolean addressPending) {

        /** A node whose every name is known. */
        public Node(String hostname, List<String> names) {
            this(hostname, names, false);
        }
    }

    private NodeCertificateIssuer() {
    }

    /** The Secret data wanted for {@code nodes}, keeping every pair of {@code existing} that still serves. */
    public static Map<String, String> data(Map<String, String> existing, List<Node> nodes, Instant now)
            throws GeneralSecurityException {
        Map<String, String> data = new TreeMap<>();
        StringBuilder bundle = new StringBuilder();
        for (Node node : nodes) {
            String certKey = CertificateFileNames.certificate(node.hostname());
            String keyKey = CertificateFileNames.key(node.hostname());
            Optional<String> kept = usable(existing, certKey, keyKey, node, now);
            if (kept.isEmpty() && node.addressPending()) {
                continue;
            }
            String certPem;
            if (kept.isPresent()) {
                certPem = kept.get();
                data.put(keyKey, existing.get(keyKey));
            } else {
                SelfSignedCertificate issued = SelfSignedCertificate.issue(node.names(),
                        now.minus(NodeCertificateLifetime.CLOCK_SKEW),
                        NodeCertificateLifetime.LIFETIME.plus(NodeCertificateLifetime.CLOCK_SKEW));
                certPem = issued.certificatePem();
                data.put(keyKey, encode(issued.keyPem()));
            }
            data.put(certKey, encode(certPem));
            bundle.append(certPem);
        }
        if (!bundle.isEmpty()) {
            // No empty bundle: a relay given a mesh CA file that names no CA could not verify anyone.
            data.put(MESH_CA_KEY, encode(bundle.toString()));
        }
        return data;
    }

    /** The node's certificate PEM from {@code existing}, when it and its key are there, cover the names and are not due. */
    private static Optional<String> usable(Map<String, String> existing, String certKey, String keyKey, Node node,
            Instant now) {
        if (existing == null || existing.get(certKey) == null || existing.get(keyKey) == null) {
            return Optional.empty();
        }
        String pem = decode(existing.get(certKey));
        Optional<X509Certificate> leaf = ServedCertificate.leaf(pem);
        if (leaf.isEmpty() || NodeCertificateLifetime.renewalDue(leaf.get().getNotAfter().toInstant(), now)
                || !CertificateNames.of(leaf.get()).containsAll(node.names().stream().map(CertificateNames::normalize).toList())) {
            return Optional.empty();
        }
        return Optional.of(pem);
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}

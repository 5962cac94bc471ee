package dev.waystation.operator.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Node pairs are issued once and kept; only a missing name or the renewal point replaces one. */
class NodeCertificateIssuerTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final NodeCertificateIssuer.Node DNS_NODE = new NodeCertificateIssuer.Node("derp0.example.com",
            List.of("derp0.example.com", "home-0.home-mesh.edge.svc"));
    private static final NodeCertificateIssuer.Node IP_NODE = new NodeCertificateIssuer.Node("2001:db8::7",
            List.of("2001:db8::7", "home-1.home-mesh.edge.svc"));

    private static X509Certificate leaf(Map<String, String> data, String key) {
        return ServedCertificate.leaf(new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.US_ASCII))
                .orElseThrow();
    }

    @Test
    void eachNodeGetsAPairNamedLikeTheRelaysCertdirFilesAndTheBundleHoldsThemAll() throws Exception {
        Map<String, String> data = NodeCertificateIssuer.data(null, List.of(DNS_NODE, IP_NODE), T0);

        assertThat(data).containsOnlyKeys("derp0.example.com.crt", "derp0.example.com.key", "2001db87.crt",
                "2001db87.key", NodeCertificateIssuer.MESH_CA_KEY);
        X509Certificate dns = leaf(data, "derp0.example.com.crt");
        assertThat(CertificateNames.of(dns)).containsExactlyInAnyOrder("derp0.example.com", "home-0.home-mesh.edge.svc");
        assertThat(CertificateNames.of(leaf(data, "2001db87.crt")))
                .containsExactlyInAnyOrder("2001:db8:0:0:0:0:0:7", "home-1.home-mesh.edge.svc");
        assertThat(dns.getNotBefore().toInstant()).isBefore(T0);
        assertThat(dns.getNotAfter().toInstant()).isEqualTo(T0.plus(NodeCertificateLifetime.LIFETIME));
        String bundle = new String(Base64.getDecoder().decode(data.get(NodeCertificateIssuer.MESH_CA_KEY)),
                StandardCharsets.US_ASCII);
        assertThat(bundle.split("BEGIN CERTIFICATE", -1)).hasSize(3);
    }

    @Test
    void anExistingPairIsKeptByteForByteSoThePinStays() throws Exception {
        Map<String, String> first = NodeCertificateIssuer.data(null, List.of(DNS_NODE, IP_NODE), T0);

        Map<String, String> later = NodeCertificateIssuer.data(first, List.of(DNS_NODE, IP_NODE), T0.plus(Duration.ofDays(300)));

        assertThat(later).isEqualTo(first);
    }

    @Test
    void aNodeNeedingANewNameGetsANewPairAndTheOthersKeepTheirs() throws Exception {
        Map<String, String> first = NodeCertificateIssuer.data(null, List.of(DNS_NODE, IP_NODE), T0);
        NodeCertificateIssuer.Node published = new NodeCertificateIssuer.Node("2001:db8::7",
                List.of("2001:db8::7", "home-1.home-mesh.edge.svc", "203.0.113.9"));

        Map<String, String> next = NodeCertificateIssuer.data(first, List.of(DNS_NODE, published), T0);

        assertThat(next.get("derp0.example.com.crt")).isEqualTo(first.get("derp0.example.com.crt"));
        assertThat(next.get("2001db87.crt")).isNotEqualTo(first.get("2001db87.crt"));
        assertThat(next.get("2001db87.key")).isNotEqualTo(first.get("2001db87.key"));
        assertThat(CertificateNames.of(leaf(next, "2001db87.crt"))).contains("203.0.113.9");
    }

    @Test
    void thirtyDaysBeforeItsEndAPairIsRenewedAndAScaledDownNodeLeaves() throws Exception {
        Map<String, String> first = NodeCertificateIssuer.data(null, List.of(DNS_NODE, IP_NODE), T0);
        Instant renewal = T0.plus(NodeCertificateLifetime.LIFETIME).minus(NodeCertificateLifetime.RENEW_BEFORE);

        assertThat(NodeCertificateIssuer.data(first, List.of(DNS_NODE), renewal.minusSeconds(1)))
                .containsEntry("derp0.example.com.crt", first.get("derp0.example.com.crt"))
                .doesNotContainKeys("2001db87.crt", "2001db87.key");
        Map<String, String> renewed = NodeCertificateIssuer.data(first, List.of(DNS_NODE), renewal);
        assertThat(renewed.get("derp0.example.com.crt")).isNotEqualTo(first.get("derp0.example.com.crt"));
        assertThat(leaf(renewed, "derp0.example.com.crt").getNotAfter().toInstant())
                .isEqualTo(renewal.plus(NodeCertificateLifetime.LIFETIME));
    }

    @Test
    void aPairWhoseCertificateCannotBeReadIsReplaced() throws Exception {
        Map<String, String> first = NodeCertificateIssuer.data(null, List.of(DNS_NODE), T0);
        Map<String, String> damaged = new java.util.HashMap<>(first);
        damaged.put("derp0.example.com.crt", Base64.getEncoder().encodeToString("garbage".getBytes(StandardCharsets.US_ASCII)));

        Map<String, String> repaired = NodeCertificateIssuer.data(damaged, List.of(DNS_NODE), T0);

        assertThat(ServedCertificate.fromPem(new String(Base64.getDecoder().decode(repaired.get("derp0.example.com.crt")),
                StandardCharsets.US_ASCII))).isPresent();
    }

    @Test
    void aNodeAwaitingItsAddressGetsNoPairYetButKeepsTheOneItHas() throws Exception {
        NodeCertificateIssuer.Node waiting = new NodeCertificateIssuer.Node("home-1.home-mesh.edge.svc",
                List.of("home-1.home-mesh.edge.svc"), true);

        Map<String, String> none = NodeCertificateIssuer.data(null, List.of(waiting), T0);
        assertThat(none).isEmpty();

        NodeCertificateIssuer.Node addressed = new NodeCertificateIssuer.Node("home-1.home-mesh.edge.svc",
                List.of("home-1.home-mesh.edge.svc", "10.96.0.11"));
        Map<String, String> issued = NodeCertificateIssuer.data(none, List.of(addressed), T0);
        assertThat(CertificateNames.of(leaf(issued, "home-1.home-mesh.edge.svc.crt"))).contains("10.96.0.11");
        assertThat(NodeCertificateIssuer.data(issued, List.of(waiting), T0.plusSeconds(60))).isEqualTo(issued);
    }
}

package dev.waystation.operator.region;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.waystation.crd.v1alpha1.CertManagerTls;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.TlsMode;
import dev.waystation.operator.OperatorConfig;
import dev.waystation.operator.status.NodeAddresses;
import dev.waystation.operator.status.RegionProblem;
import dev.waystation.operator.status.RegionStatusCalculator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The cert-manager {@code Certificate} of a region in TLS mode CertManager: one per region, valid for
 * every node's hostname (IP literals as IP SANs), signed by the spec's issuer, written to the Secret
 * the relays mount ({@link RegionObjects#tlsSecret}). cert-manager copies {@code secretTemplate}'s
 * labels onto that Secret, so it carries the TLS-Secret label the operator requires before mounting
 * a Secret. Only wanted when the cluster has cert-manager's CRD ({@link #CRD}); the reconciler watches
 * it, like the ServiceMonitor CRD. A generic resource: no cert-manager Java dependency.
 */
@ApplicationScoped
class RegionCertificate implements RegionDependent {

    static final String CRD = "certificates.cert-manager.io";
    static final String API_VERSION = "cert-manager.io/v1";
    static final String KIND = "Certificate";

    private final OperatorConfig config;

    @Inject
    RegionCertificate(OperatorConfig config) {
        this.config = config;
    }

    static boolean wanted(DerpRegion region) {
        return RegionDefaults.tlsMode(region.getSpec()) == TlsMode.CertManager;
    }

    @Override
    public List<HasMetadata> desired(DerpRegion region) {
        if (!wanted(region)) {
            return List.of();
        }
        DerpRegionSpec spec = region.getSpec();
        List<String> dnsNames = new ArrayList<>();
        List<String> ipAddresses = new ArrayList<>();
        for (int i = 0; i < spec.getNodes(); i++) {
            // The CRD requires hostnames or a template in this mode, so every node has a configured name.
            NodeAddresses.configuredHostName(spec, i, RegionStatusCalculator.nodeName(spec.getRegionId(), i))
                    .ifPresent(name -> (isIpLiteral(name) ? ipAddresses : dnsNames).add(name));
        }
        CertManagerTls.IssuerRef issuer = spec.getTls().getCertManager().getIssuerRef();
        Map<String, Object> certificate = new LinkedHashMap<>();
        certificate.put("secretName", RegionObjects.tlsSecret(region).orElseThrow());
        certificate.put("secretTemplate", Map.of("labels", Map.of(config.tls().secretLabel(), "true")));
        if (!dnsNames.isEmpty()) {
            certificate.put("commonName", dnsNames.get(0));
            certificate.put("dnsNames", dnsNames);
        }
        if (!ipAddresses.isEmpty()) {
            certificate.put("ipAddresses", ipAddresses);
        }
        // ECDSA P-256 as derper's autocert uses: small handshakes; cert-manager writes it as SEC1 PEM.
        certificate.put("privateKey", Map.of("algorithm", "ECDSA", "size", 256));
        certificate.put("usages", List.of("server auth"));
        certificate.put("issuerRef", Map.of("name", issuer.getName(), "kind", issuer.getKind(),
                "group", issuer.getGroup()));
        GenericKubernetesResource resource = new GenericKubernetesResourceBuilder()
                .withApiVersion(API_VERSION)
                .withKind(KIND)
                .withMetadata(RegionObjects.ownedMeta(region, RegionObjects.certificate(region), RegionObjects.RELAY))
                .build();
        resource.setAdditionalProperty("spec", certificate);
        return List.of(resource);
    }

    /**
     * Why the relays cannot have their certificate yet, if so: cert-manager is not installed, or it has
     * not written the Secret (yet). The relays' pods wait for the Secret to mount it.
     */
    Optional<RegionProblem> problem(DerpRegion region, boolean crdInstalled, KubernetesClient client) {
        if (!wanted(region)) {
            return Optional.empty();
        }
        if (!crdInstalled) {
            return Optional.of(new RegionProblem(RegionProblem.CERT_MANAGER_MISSING, "tls.mode CertManager needs "
                    + "cert-manager: the CRD " + CRD + " is not installed; the Certificate is created once it is", false));
        }
        String secret = RegionObjects.tlsSecret(region).orElseThrow();
        if (client.secrets().inNamespace(region.getMetadata().getNamespace()).withName(secret).get() == null) {
            CertManagerTls.IssuerRef issuer = region.getSpec().getTls().getCertManager().getIssuerRef();
            return Optional.of(new RegionProblem(RegionProblem.CERTIFICATE_PENDING, "waiting for cert-manager to write "
                    + "Secret " + secret + " for Certificate " + RegionObjects.certificate(region) + " (issuer "
                    + issuer.getKind() + " " + issuer.getName() + "); relays start once it exists", false));
        }
        return Optional.empty();
    }

    /** IPv4 dotted quad or any IPv6 form (hostnames never contain ':'). */
    private static boolean isIpLiteral(String name) {
        return name.contains(":") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}

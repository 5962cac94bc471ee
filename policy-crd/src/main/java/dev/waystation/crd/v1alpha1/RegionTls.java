package dev.waystation.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** TLS settings of a region's DERP listener. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.mode != 'Manual' || has(self.secretName)",
        message = "tls.mode Manual needs tls.secretName (a kubernetes.io/tls Secret, e.g. from cert-manager)")
@ValidationRule(value = "self.mode == 'Manual' || !has(self.secretName)",
        message = "tls.secretName is only used with tls.mode Manual")
@ValidationRule(value = "self.mode != 'CertManager' || has(self.certManager)",
        message = "tls.mode CertManager needs tls.certManager.issuerRef (the cert-manager Issuer or ClusterIssuer to use)")
@ValidationRule(value = "self.mode == 'CertManager' || !has(self.certManager)",
        message = "tls.certManager is only used with tls.mode CertManager")
@ValidationRule(value = "self.mode == 'LetsEncrypt' || !has(self.letsEncrypt)",
        message = "tls.letsEncrypt is only used with tls.mode LetsEncrypt")
public class RegionTls {

    @Default("SelfSigned")
    @JsonPropertyDescription("Manual (certificate from secretName), CertManager (the operator creates a cert-manager "
            + "Certificate for every node's hostname), LetsEncrypt (ACME per node hostname) or "
            + "SelfSigned (pinned in the DERP map by its SHA-256).")
    private TlsMode mode = TlsMode.SelfSigned;

    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    @JsonPropertyDescription("Name of a kubernetes.io/tls Secret in the region's namespace (mode Manual). Its "
            + "certificate must cover every node hostname; it is reloaded when the Secret changes.")
    private String secretName;

    @JsonPropertyDescription("ACME account settings (mode LetsEncrypt).")
    private LetsEncrypt letsEncrypt;

    @JsonPropertyDescription("The issuer of the region's cert-manager Certificate (mode CertManager). The Secret "
            + "is named <region>-tls.")
    private CertManagerTls certManager;

    public TlsMode getMode() {
        return mode;
    }

    public void setMode(TlsMode mode) {
        this.mode = mode;
    }

    public String getSecretName() {
        return secretName;
    }

    public void setSecretName(String secretName) {
        this.secretName = secretName;
    }

    public LetsEncrypt getLetsEncrypt() {
        return letsEncrypt;
    }

    public void setLetsEncrypt(LetsEncrypt letsEncrypt) {
        this.letsEncrypt = letsEncrypt;
    }

    public CertManagerTls getCertManager() {
        return certManager;
    }

    public void setCertManager(CertManagerTls certManager) {
        this.certManager = certManager;
    }

    /** ACME account settings. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.caConfigMap) || has(self.directoryUrl)",
            message = "tls.letsEncrypt.caConfigMap needs tls.letsEncrypt.directoryUrl (it trusts a private CA, "
                    + "Let's Encrypt needs none)")
    public static class LetsEncrypt {

        @Size(max = 254)
        @Pattern("^[^@\\s]+@[^@\\s]+[.][^@\\s]+$")
        @JsonPropertyDescription("Contact e-mail for the ACME account (expiry notices), e.g. ops@example.com.")
        private String email;

        @Default("false")
        @JsonPropertyDescription("Use Let's Encrypt's staging directory (untrusted certificates, generous rate limits).")
        private Boolean staging = false;

        @Pattern("^https://[^\\s]+$")
        @JsonPropertyDescription("Directory URL of another ACME CA (a private one such as step-ca or Pebble); "
                + "default: Let's Encrypt (production, or staging with staging: true). Its HTTPS certificate must "
                + "be trusted by the relay's JVM, or signed by a CA in caConfigMap.")
        private String directoryUrl;

        @JsonPropertyDescription("PEM CA certificates the relays trust for the ACME server's own HTTPS instead of "
                + "the JVM's (a private CA such as step-ca or Pebble), from a ConfigMap in the region's namespace; "
                + "mounted read-only into the relays.")
        private CaConfigMapRef caConfigMap;

        public CaConfigMapRef getCaConfigMap() {
            return caConfigMap;
        }

        public void setCaConfigMap(CaConfigMapRef caConfigMap) {
            this.caConfigMap = caConfigMap;
        }

        public String getDirectoryUrl() {
            return directoryUrl;
        }

        public void setDirectoryUrl(String directoryUrl) {
            this.directoryUrl = directoryUrl;
        }

        public String getEmail() {
            return email;
        }

        public void setEmail(String email) {
            this.email = email;
        }

        public Boolean getStaging() {
            return staging;
        }

        public void setStaging(Boolean staging) {
            this.staging = staging;
        }
    }
}

package dev.waystation.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * TLS mode {@code CertManager}: which cert-manager issuer signs the region's certificate. The
 * operator writes the {@code Certificate} itself, so names, Secret and labels stay its business.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CertManagerTls {

    @Required
    @JsonPropertyDescription("The cert-manager issuer that signs the region's certificate "
            + "(Certificate.spec.issuerRef).")
    private IssuerRef issuerRef;

    public IssuerRef getIssuerRef() {
        return issuerRef;
    }

    public void setIssuerRef(IssuerRef issuerRef) {
        this.issuerRef = issuerRef;
    }

    /** cert-manager's issuer reference: an Issuer in the region's namespace or a ClusterIssuer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class IssuerRef {

        @Required
        @Size(min = 1, max = 253)
        @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
        @JsonPropertyDescription("Name of the Issuer (in the region's namespace) or ClusterIssuer.")
        private String name;

        @Default("Issuer")
        @Size(min = 1, max = 63)
        @Pattern("^[A-Za-z][A-Za-z0-9]*$")
        @JsonPropertyDescription("Issuer or ClusterIssuer (or an external issuer's kind). Default: Issuer.")
        private String kind = "Issuer";

        @Default("cert-manager.io")
        @Size(min = 1, max = 253)
        @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
        @JsonPropertyDescription("API group of the issuer. Default: cert-manager.io.")
        private String group = "cert-manager.io";

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getKind() {
            return kind;
        }

        public void setKind(String kind) {
            this.kind = kind;
        }

        public String getGroup() {
            return group;
        }

        public void setGroup(String group) {
            this.group = group;
        }
    }
}

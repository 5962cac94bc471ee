package dev.waystation.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A PEM CA bundle in a ConfigMap of the region's namespace. A ConfigMap rather than a Secret: a CA
 * certificate is public, so a region may name one without the Secret allow-list (as the cluster's own
 * {@code kube-root-ca.crt} and trust-manager's bundles are ConfigMaps).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CaConfigMapRef {

    /** The key read when none is given: the usual name of a CA bundle entry. */
    public static final String DEFAULT_KEY = "ca.crt";

    @Required
    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    @JsonPropertyDescription("Name of the ConfigMap (in the region's namespace).")
    private String name;

    @Default(DEFAULT_KEY)
    @Size(min = 1, max = 253)
    @Pattern("^[-._a-zA-Z0-9]+$")
    @JsonPropertyDescription("Key holding the PEM certificates. Default: ca.crt.")
    private String key = DEFAULT_KEY;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }
}

package dev.waystation.crd.v1alpha1;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** How each node is exposed: one Service per node, each with its own address. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RegionService {

    @Default("LoadBalancer")
    @JsonPropertyDescription("Service type of every per-node Service.")
    private RelayServiceType type = RelayServiceType.LoadBalancer;

    @JsonPropertyDescription("Annotations added to every per-node Service (cloud load-balancer settings, "
            + "external-dns hostnames, ...).")
    private Map<String, String> annotations;

    public RelayServiceType getType() {
        return type;
    }

    public void setType(RelayServiceType type) {
        this.type = type;
    }

    public Map<String, String> getAnnotations() {
        return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
        this.annotations = annotations;
    }
}

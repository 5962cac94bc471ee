package dev.waystation.operator;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Operator settings ({@code waystation.operator.*}); every key can be set from the environment. */
@ConfigMapping(prefix = "waystation.operator")
public interface OperatorConfig {

    /**
     * Relay image used when a DerpRegion sets no {@code spec.image}: by default the one this build
     * writes (src/images/README.md); the install manifests set it next to the operator's own image.
     */
    @WithDefault("localhost/waystation/relay:${quarkus.application.version}")
    String relayImage();

    /** The aggregated DERP map. */
    DerpMapConfig derpMap();

    /** Where the aggregated DERP map is published. */
    interface DerpMapConfig {

        /** Namespace of the DERP map ConfigMap; default: the operator's own namespace (from its client configuration). */
        Optional<String> namespace();

        /** Name of the DERP map ConfigMap. */
        @WithDefault("waystation-derp-map")
        String configMapName();

        /** HTTP path on the operator's main port that serves the DERP map JSON. */
        @WithDefault("/derpmap.json")
        String path();
    }
}

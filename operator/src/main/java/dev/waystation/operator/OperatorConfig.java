package dev.waystation.operator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /**
     * Namespaces whose DerpRegions the operator deploys; a region elsewhere gets {@code Ready=False},
     * reason {@code NotAllowed}, and nothing else. Empty: every namespace.
     */
    Optional<Set<String>> regionNamespaces();

    /**
     * Images a DerpRegion's {@code spec.image} may name: exact references, or prefixes ending in {@code *}
     * ({@code registry.example.com/waystation/*}). Empty: only {@link #relayImage()}, so whoever may create a
     * DerpRegion cannot run an image of their choice next to the region's Secrets.
     */
    Optional<List<String>> allowedImages();

    /**
     * How long a Kubernetes watch may be disconnected (its informer listing again, backing off, refused by
     * the API server) before liveness reports it dead and the kubelet restarts the operator. Informers
     * retry forever, so a watch that cannot come back (its CRD or permission gone) would otherwise go
     * unnoticed but for readiness.
     */
    @WithDefault("5m")
    Duration watchDeadAfter();

    /** Which Secrets a region's {@code spec.tls.secretName} may mount. */
    TlsConfig tls();

    /** The aggregated DERP map. */
    DerpMapConfig derpMap();

    /** The Prometheus Operator ServiceMonitor made for each region when that CRD exists. */
    ServiceMonitorConfig serviceMonitor();

    /** Leader election, so that two operator replicas (during an upgrade) never both act. */
    LeaderElectionConfig leaderElection();

    interface TlsConfig {

        /**
         * Label a Secret must carry (with value {@code true}) to be mounted as a region's certificate:
         * cert-manager's {@code Certificate.spec.secretTemplate.labels} can set it.
         */
        @WithDefault("waystation.dev/tls-secret")
        String secretLabel();

        /** Secrets allowed without the label, as {@code namespace/name}. */
        Optional<Set<String>> allowedSecrets();
    }

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

        /** Namespaces whose DerpRegions appear in the DERP map. Empty: every namespace. */
        Optional<Set<String>> regionNamespaces();
    }

    interface ServiceMonitorConfig {

        /**
         * Extra labels on every ServiceMonitor, e.g. {@code release=kube-prometheus-stack} for that chart's
         * default selector. Key syntax: {@code waystation.operator.service-monitor.labels."release"=...}.
         */
        Map<String, String> labels();
    }

    interface LeaderElectionConfig {

        /** Name of the Lease the replicas compete for. */
        @WithDefault("waystation-operator")
        String leaseName();

        /** Namespace of the Lease; default: the operator's own namespace. */
        Optional<String> leaseNamespace();
    }
}

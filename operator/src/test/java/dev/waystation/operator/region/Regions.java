package dev.waystation.operator.region;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.RegionService;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import dev.waystation.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** DerpRegions and operator settings for the builder tests. */
final class Regions {

    static final String RELAY_IMAGE = "localhost/waystation/relay:test";
    static final String TLS_SECRET_LABEL = "waystation.dev/tls-secret";

    private Regions() {
    }

    static DerpRegion region(int nodes, RelayServiceType type) {
        DerpRegion region = new DerpRegion();
        region.setMetadata(new ObjectMetaBuilder().withName("fra").withNamespace("edge").withUid("uid-1").build());
        DerpRegionSpec spec = new DerpRegionSpec();
        spec.setRegionId(901);
        spec.setRegionCode("fra");
        spec.setRegionName("Frankfurt");
        spec.setNodes(nodes);
        if (type != null) {
            RegionService service = new RegionService();
            service.setType(type);
            spec.setService(service);
        }
        region.setSpec(spec);
        return region;
    }

    static OperatorConfig config() {
        return new OperatorConfig() {
            @Override
            public String relayImage() {
                return RELAY_IMAGE;
            }

            @Override
            public Optional<Set<String>> regionNamespaces() {
                return Optional.empty();
            }

            @Override
            public Optional<List<String>> allowedImages() {
                return Optional.empty();
            }

            @Override
            public TlsConfig tls() {
                return new TlsConfig() {
                    @Override
                    public String secretLabel() {
                        return TLS_SECRET_LABEL;
                    }

                    @Override
                    public Optional<Set<String>> allowedSecrets() {
                        return Optional.empty();
                    }
                };
            }

            @Override
            public ServiceMonitorConfig serviceMonitor() {
                throw new UnsupportedOperationException("not used by the object builders");
            }

            @Override
            public java.time.Duration watchDeadAfter() {
                throw new UnsupportedOperationException("not used by the object builders");
            }

            @Override
            public LeaderElectionConfig leaderElection() {
                throw new UnsupportedOperationException("not used by the object builders");
            }

            @Override
            public DerpMapConfig derpMap() {
                return new DerpMapConfig() {
                    @Override
                    public Optional<String> namespace() {
                        return Optional.empty();
                    }

                    @Override
                    public String configMapName() {
                        return "waystation-derp-map";
                    }

                    @Override
                    public String path() {
                        return "/derpmap.json";
                    }

                    @Override
                    public Optional<Set<String>> regionNamespaces() {
                        return Optional.empty();
                    }
                };
            }
        };
    }
}

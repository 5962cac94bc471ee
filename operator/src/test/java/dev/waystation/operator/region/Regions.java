package dev.waystation.operator.region;

import java.util.Optional;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.DerpRegionSpec;
import dev.waystation.crd.v1alpha1.RegionService;
import dev.waystation.crd.v1alpha1.RelayServiceType;
import dev.waystation.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** DerpRegions and operator settings for the builder tests. */
final class Regions {

    static final String RELAY_IMAGE = "localhost/waystation/relay:test";

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
                };
            }
        };
    }
}

package dev.waystation.operator.derpmap;

import java.util.Collection;
import java.util.Comparator;

import dev.waystation.crd.v1alpha1.DerpMap;
import dev.waystation.crd.v1alpha1.DerpMapRegion;
import dev.waystation.crd.v1alpha1.DerpRegion;

/**
 * All DerpRegions as one DERP map: each region's fragment from its status (written by the region
 * reconciler once it knows node addresses). Regions without a fragment yet are left out. Should two
 * regions still claim one ID (the reconciler withholds the younger one's fragment), the oldest wins.
 */
final class DerpMapAssembler {

    private DerpMapAssembler() {
    }

    static DerpMap assemble(Collection<DerpRegion> regions) {
        DerpMap map = new DerpMap();
        regions.stream()
                .filter(r -> r.getStatus() != null && r.getStatus().getDerpMapRegion() != null)
                .sorted(Comparator.comparing((DerpRegion r) -> r.getMetadata().getCreationTimestamp())
                        .thenComparing(r -> r.getMetadata().getNamespace())
                        .thenComparing(r -> r.getMetadata().getName()))
                .map(r -> r.getStatus().getDerpMapRegion())
                .forEach((DerpMapRegion fragment) -> map.getRegions().putIfAbsent(fragment.getRegionId(), fragment));
        return map;
    }
}

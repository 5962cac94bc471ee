package dev.waystation.operator.derpmap;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import dev.waystation.crd.v1alpha1.DerpMap;
import dev.waystation.crd.v1alpha1.DerpMapRegion;
import dev.waystation.crd.v1alpha1.DerpRegion;

/**
 * All DerpRegions as one DERP map: each region's fragment from its status (written by the region
 * reconciler: only nodes that are ready and have an address). Regions without a fragment (no such
 * node, not deployed) and regions of namespaces the operator's configuration does not let contribute
 * ({@code waystation.operator.derp-map.region-namespaces}) are left out. Should two
 * regions still claim one ID (the reconciler withholds the younger one's fragment), the oldest wins.
 */
final class DerpMapAssembler {

    private DerpMapAssembler() {
    }

    /**
     * @param namespaces the namespaces allowed to contribute regions; empty: every namespace
     * @param published a region's fragment as published (the prober's withheld nodes removed)
     */
    static DerpMap assemble(Collection<DerpRegion> regions, Optional<Set<String>> namespaces,
            UnaryOperator<DerpMapRegion> published) {
        DerpMap map = new DerpMap();
        contributing(regions, namespaces).stream()
                .map(r -> published.apply(r.getStatus().getDerpMapRegion()))
                .forEach((DerpMapRegion fragment) -> map.getRegions().putIfAbsent(fragment.getRegionId(), fragment));
        return map;
    }

    /** The regions with a fragment from allowed namespaces, oldest first (the order that decides an ID clash). */
    static List<DerpRegion> contributing(Collection<DerpRegion> regions, Optional<Set<String>> namespaces) {
        return regions.stream()
                .filter(r -> namespaces.map(allowed -> allowed.contains(r.getMetadata().getNamespace())).orElse(true))
                .filter(r -> r.getStatus() != null && r.getStatus().getDerpMapRegion() != null)
                .sorted(Comparator.comparing((DerpRegion r) -> r.getMetadata().getCreationTimestamp())
                        .thenComparing(r -> r.getMetadata().getNamespace())
                        .thenComparing(r -> r.getMetadata().getName()))
                .toList();
    }
}

package dev.waystation.operator.region;

import java.util.List;

import dev.waystation.crd.v1alpha1.DerpRegion;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * One kind of object a DerpRegion owns, as the operator wants it. The reconciler server-side applies
 * what {@link #desired} returns, so an unchanged object is not written.
 */
interface RegionDependent {

    /** The desired objects for the region: usually one, one per node, or none when not applicable. */
    List<HasMetadata> desired(DerpRegion region);
}

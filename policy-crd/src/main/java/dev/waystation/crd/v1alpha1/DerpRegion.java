package dev.waystation.crd.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One DERP region: {@code spec.nodes} relays that share a region ID in the DERP map, meshed with
 * each other so that clients homed on different nodes reach each other. The operator turns it into
 * a StatefulSet, Services, a mesh key and the relay configuration, and publishes the region in the
 * DERP map it serves.
 */
@Group(WaystationApi.GROUP)
@Version(WaystationApi.VERSION)
@ShortNames({"dr", "derp"})
@Categories(WaystationApi.CATEGORY)
@AdditionalPrinterColumn(name = "ID", jsonPath = ".spec.regionId", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Code", jsonPath = ".spec.regionCode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Nodes Ready", jsonPath = ".status.readyNodes", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(value = "size(self.metadata.name) <= " + DerpRegion.MAX_NAME_LENGTH,
        message = "metadata.name must be at most " + DerpRegion.MAX_NAME_LENGTH
                + " characters: the operator derives StatefulSet, Pod and Service names from it")
@ValidationRule(value = "self.metadata.name.matches('" + DerpRegion.NAME_PATTERN + "')",
        message = "metadata.name must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter):"
                + " it becomes the name of Services")
public class DerpRegion extends CustomResource<DerpRegionSpec, DerpRegionStatus> implements Namespaced {

    /** StatefulSet names may have 52 characters (the revision label adds 11); keep room for suffixes. */
    public static final int MAX_NAME_LENGTH = 40;
    /** A DNS-1035 label: Service names derived from the region's name must be one. */
    public static final String NAME_PATTERN = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

    @Override
    protected DerpRegionStatus initStatus() {
        return new DerpRegionStatus();
    }
}

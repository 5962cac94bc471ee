package dev.waystation.crd.v1alpha1;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Tailscale's DERP map ({@code tailcfg.DERPMap}) as JSON: {@code {"Regions": {"900": {...}}}}. Keys are
 * the Go field names, which is what Tailscale clients, headscale's {@code derp.urls} and tailnet
 * policy files read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DerpMap {

    /** Regions by ID, sorted so that the same regions always serialise to the same bytes. */
    @JsonProperty("Regions")
    private Map<Integer, DerpMapRegion> regions = new TreeMap<>();

    public Map<Integer, DerpMapRegion> getRegions() {
        return regions;
    }

    public void setRegions(Map<Integer, DerpMapRegion> regions) {
        this.regions = new TreeMap<>(regions);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DerpMap other && Objects.equals(regions, other.regions);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(regions);
    }
}

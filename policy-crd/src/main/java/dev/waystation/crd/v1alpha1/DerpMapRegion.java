package dev.waystation.crd.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One region of the DERP map ({@code tailcfg.DERPRegion}); nodes in priority order. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DerpMapRegion {

    @JsonProperty("RegionID")
    private Integer regionId;

    @JsonProperty("RegionCode")
    private String regionCode;

    @JsonProperty("RegionName")
    private String regionName;

    @JsonProperty("Nodes")
    private List<DerpMapNode> nodes = new ArrayList<>();

    public Integer getRegionId() {
        return regionId;
    }

    public void setRegionId(Integer regionId) {
        this.regionId = regionId;
    }

    public String getRegionCode() {
        return regionCode;
    }

    public void setRegionCode(String regionCode) {
        this.regionCode = regionCode;
    }

    public String getRegionName() {
        return regionName;
    }

    public void setRegionName(String regionName) {
        this.regionName = regionName;
    }

    public List<DerpMapNode> getNodes() {
        return nodes;
    }

    public void setNodes(List<DerpMapNode> nodes) {
        this.nodes = nodes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DerpMapRegion other
                && Objects.equals(regionId, other.regionId) && Objects.equals(regionCode, other.regionCode)
                && Objects.equals(regionName, other.regionName) && Objects.equals(nodes, other.nodes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(regionId, regionCode, regionName, nodes);
    }
}

package dev.waystation.crd.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One node of a DERP map region ({@code tailcfg.DERPNode}). Absent fields mean Tailscale's defaults:
 * STUNPort 3478, DERPPort 443, IPv4/IPv6 resolved from HostName.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DerpMapNode {

    /** Unique across the whole map, e.g. {@code 900a}; not a hostname. */
    @JsonProperty("Name")
    private String name;

    @JsonProperty("RegionID")
    private Integer regionId;

    /** DNS name or IP literal dialled, and the TLS server name unless CertName says otherwise. */
    @JsonProperty("HostName")
    private String hostName;

    /** Expected certificate name, or {@code sha256-raw:<hex>} pinning a self-signed leaf. */
    @JsonProperty("CertName")
    private String certName;

    /** Forced IPv4 address (skips DNS); "none" disables IPv4. */
    @JsonProperty("IPv4")
    private String ipv4;

    /** Forced IPv6 address; "none" disables IPv6. */
    @JsonProperty("IPv6")
    private String ipv6;

    @JsonProperty("STUNPort")
    private Integer stunPort;

    @JsonProperty("DERPPort")
    private Integer derpPort;

    /** The node answers the captive-portal probe on port 80. */
    @JsonProperty("CanPort80")
    private Boolean canPort80;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getRegionId() {
        return regionId;
    }

    public void setRegionId(Integer regionId) {
        this.regionId = regionId;
    }

    public String getHostName() {
        return hostName;
    }

    public void setHostName(String hostName) {
        this.hostName = hostName;
    }

    public String getCertName() {
        return certName;
    }

    public void setCertName(String certName) {
        this.certName = certName;
    }

    public String getIpv4() {
        return ipv4;
    }

    public void setIpv4(String ipv4) {
        this.ipv4 = ipv4;
    }

    public String getIpv6() {
        return ipv6;
    }

    public void setIpv6(String ipv6) {
        this.ipv6 = ipv6;
    }

    public Integer getStunPort() {
        return stunPort;
    }

    public void setStunPort(Integer stunPort) {
        this.stunPort = stunPort;
    }

    public Integer getDerpPort() {
        return derpPort;
    }

    public void setDerpPort(Integer derpPort) {
        this.derpPort = derpPort;
    }

    public Boolean getCanPort80() {
        return canPort80;
    }

    public void setCanPort80(Boolean canPort80) {
        this.canPort80 = canPort80;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DerpMapNode other
                && Objects.equals(name, other.name) && Objects.equals(regionId, other.regionId)
                && Objects.equals(hostName, other.hostName) && Objects.equals(certName, other.certName)
                && Objects.equals(ipv4, other.ipv4) && Objects.equals(ipv6, other.ipv6)
                && Objects.equals(stunPort, other.stunPort) && Objects.equals(derpPort, other.derpPort)
                && Objects.equals(canPort80, other.canPort80);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, regionId, hostName, certName, ipv4, ipv6, stunPort, derpPort, canPort80);
    }
}

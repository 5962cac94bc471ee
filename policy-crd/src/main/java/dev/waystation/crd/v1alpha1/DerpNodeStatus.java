package dev.waystation.crd.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One relay node of a region as observed: its DERP node name, address and readiness. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DerpNodeStatus {

    @JsonPropertyDescription("DERP node name (Name in the DERP map), e.g. 900a.")
    private String name;

    @JsonPropertyDescription("StatefulSet ordinal of the node's pod.")
    private Integer index;

    @JsonPropertyDescription("Hostname clients dial (HostName).")
    private String hostName;

    @JsonPropertyDescription("IPv4 address of the node's Service, when known.")
    private String ipv4;

    @JsonPropertyDescription("IPv6 address of the node's Service, when known.")
    private String ipv6;

    @JsonPropertyDescription("Whether the node's pod is ready.")
    private Boolean ready;

    @JsonPropertyDescription("The DERP map's CertName pin of the node's self-signed certificate, "
            + "sha256-raw:<hex of SHA-256 over the certificate's DER> (tls.mode SelfSigned).")
    private String certName;

    @JsonPropertyDescription("NotAfter of the certificate the node serves (RFC 3339), read from the Secret it "
            + "loads; a Warning Event is recorded two weeks before.")
    private String certificateNotAfter;

    public DerpNodeStatus() {
    }

    public DerpNodeStatus(String name, int index, String hostName, String ipv4, String ipv6, boolean ready) {
        this.name = name;
        this.index = index;
        this.hostName = hostName;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.ready = ready;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getIndex() {
        return index;
    }

    public void setIndex(Integer index) {
        this.index = index;
    }

    public String getHostName() {
        return hostName;
    }

    public void setHostName(String hostName) {
        this.hostName = hostName;
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

    public Boolean getReady() {
        return ready;
    }

    public void setReady(Boolean ready) {
        this.ready = ready;
    }

    public String getCertName() {
        return certName;
    }

    public void setCertName(String certName) {
        this.certName = certName;
    }

    public String getCertificateNotAfter() {
        return certificateNotAfter;
    }

    public void setCertificateNotAfter(String certificateNotAfter) {
        this.certificateNotAfter = certificateNotAfter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DerpNodeStatus other
                && Objects.equals(name, other.name) && Objects.equals(index, other.index)
                && Objects.equals(hostName, other.hostName) && Objects.equals(ipv4, other.ipv4)
                && Objects.equals(ipv6, other.ipv6) && Objects.equals(ready, other.ready)
                && Objects.equals(certName, other.certName)
                && Objects.equals(certificateNotAfter, other.certificateNotAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, index, hostName, ipv4, ipv6, ready, certName, certificateNotAfter);
    }
}

package dev.waystation.crd.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** What a region should look like; see {@link DerpRegion}. Cross-field rules are CEL, checked by the API server. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.hostnames) && has(self.hostnameTemplate))",
        message = "hostnames and hostnameTemplate are mutually exclusive: set one of them")
@ValidationRule(value = "!has(self.hostnames) || size(self.hostnames) >= self.nodes",
        message = "hostnames must name every node: it needs at least spec.nodes entries")
@ValidationRule(value = "!has(self.hostnameTemplate) || self.nodes == 1"
        + " || self.hostnameTemplate.contains('{index}') || self.hostnameTemplate.contains('{name}')",
        message = "hostnameTemplate must contain {index} or {name} when nodes > 1, else every node gets the same hostname")
@ValidationRule(value = "!has(self.tls) || self.tls.mode != 'LetsEncrypt' || has(self.hostnames) || has(self.hostnameTemplate)",
        message = "tls.mode LetsEncrypt needs DNS names: set hostnames or hostnameTemplate")
// Let's Encrypt issues no certificates for IP addresses: such a region could never serve TLS.
@ValidationRule(value = "!has(self.tls) || self.tls.mode != 'LetsEncrypt'"
        + " || ((!has(self.hostnames) || self.hostnames.all(h, !h.matches('^[0-9.]+$')))"
        + " && (!has(self.hostnameTemplate) || !self.hostnameTemplate.matches('^([0-9]+|[{]index[}])([.]([0-9]+|[{]index[}]))*$')))",
        message = "tls.mode LetsEncrypt cannot certify an IP address: use DNS names in hostnames/hostnameTemplate, "
                + "or tls.mode SelfSigned for IP hostnames")
@ValidationRule(value = "!has(self.tls) || self.tls.mode != 'CertManager' || has(self.hostnames) || has(self.hostnameTemplate)",
        message = "tls.mode CertManager needs the nodes' names for the Certificate: set hostnames or hostnameTemplate")
public class DerpRegionSpec {

    /** Upper bound of the node count: node names are the region ID plus one letter (900a..900z), as derper names them. */
    public static final int MAX_NODES = 26;
    /** Hostname: a lower-case DNS name or an IPv4 literal. */
    public static final String HOSTNAME_PATTERN = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?([.][a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$";
    /** A hostname whose labels may contain the placeholders {index} and {name}. */
    public static final String HOSTNAME_TEMPLATE_PATTERN =
            "^([a-z0-9-]|[{]index[}]|[{]name[}])+([.]([a-z0-9-]|[{]index[}]|[{]name[}])+)*$";

    @Required
    @Min(1)
    @Max(Integer.MAX_VALUE)
    @ValidationRule(value = "self == oldSelf",
            message = "regionId is immutable: clients remember their home region by ID; create a new DerpRegion instead")
    @JsonPropertyDescription("Region ID in the DERP map (RegionID). 900-999 is the range Tailscale reserves for "
            + "self-hosted regions and is recommended. Immutable.")
    private Integer regionId;

    @Required
    @Pattern("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
    @JsonPropertyDescription("Short region code shown by clients (RegionCode), a DNS label such as 'fra' or 'k8s'.")
    private String regionCode;

    @Required
    @Size(min = 1, max = 128)
    @JsonPropertyDescription("Human-readable region name (RegionName).")
    private String regionName;

    @Default("1")
    @Min(1)
    @Max(MAX_NODES)
    @JsonPropertyDescription("Number of relay nodes (StatefulSet replicas). Each node gets its own Service and address.")
    private Integer nodes = 1;

    @Size(max = MAX_NODES)
    @JsonPropertyDescription("Hostname of each node in order (node i uses hostnames[i]). DNS names the clients dial "
            + "and check the certificate against. Mutually exclusive with hostnameTemplate.")
    private List<@Size(min = 1, max = 253) @Pattern(HOSTNAME_PATTERN) String> hostnames;

    @Size(min = 1, max = 253)
    @Pattern(HOSTNAME_TEMPLATE_PATTERN)
    @JsonPropertyDescription("Hostname pattern for every node: {index} is the node's ordinal (0, 1, ...), {name} its "
            + "DERP node name (900a, 900b, ...). Example: derp{index}.example.com. Without hostnames or a template, "
            + "a node is published with the external IP of its Service.")
    private String hostnameTemplate;

    @JsonPropertyDescription("Certificates for the DERP TLS listener. Default: SelfSigned.")
    private RegionTls tls;

    @Default("443")
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("DERP (HTTPS) port clients connect to (DERPPort).")
    private Integer derpPort = 443;

    @Default("3478")
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("STUN (UDP) port clients probe for latency and their public address (STUNPort).")
    private Integer stunPort = 3478;

    @Default("80")
    @Min(0)
    @Max(65535)
    @JsonPropertyDescription("Plain-HTTP port (captive-portal probe, redirects to HTTPS), 0 for none. Clients are "
            + "told port 80 reaches the node (CanPort80) only when it is 80 and the type is not NodePort.")
    private Integer httpPort = 80;

    @JsonPropertyDescription("How the relays are exposed: per-node Services (type, annotations, addresses) or the "
            + "nodes' own network.")
    private RegionService service;

    @Size(min = 1, max = 512)
    @JsonPropertyDescription("Relay container image. Default: the operator's waystation.operator.relay-image.")
    private String image;

    @JsonPropertyDescription("Image pull policy of the relay container.")
    private ImagePullPolicy imagePullPolicy;

    @JsonPropertyDescription("CPU and memory requests and limits of the relay container.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("Where the relay pods run.")
    private RelayScheduling scheduling;

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

    public Integer getNodes() {
        return nodes;
    }

    public void setNodes(Integer nodes) {
        this.nodes = nodes;
    }

    public List<String> getHostnames() {
        return hostnames;
    }

    public void setHostnames(List<String> hostnames) {
        this.hostnames = hostnames;
    }

    public String getHostnameTemplate() {
        return hostnameTemplate;
    }

    public void setHostnameTemplate(String hostnameTemplate) {
        this.hostnameTemplate = hostnameTemplate;
    }

    public RegionTls getTls() {
        return tls;
    }

    public void setTls(RegionTls tls) {
        this.tls = tls;
    }

    public Integer getDerpPort() {
        return derpPort;
    }

    public void setDerpPort(Integer derpPort) {
        this.derpPort = derpPort;
    }

    public Integer getStunPort() {
        return stunPort;
    }

    public void setStunPort(Integer stunPort) {
        this.stunPort = stunPort;
    }

    public Integer getHttpPort() {
        return httpPort;
    }

    public void setHttpPort(Integer httpPort) {
        this.httpPort = httpPort;
    }

    public RegionService getService() {
        return service;
    }

    public void setService(RegionService service) {
        this.service = service;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public ImagePullPolicy getImagePullPolicy() {
        return imagePullPolicy;
    }

    public void setImagePullPolicy(ImagePullPolicy imagePullPolicy) {
        this.imagePullPolicy = imagePullPolicy;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public RelayScheduling getScheduling() {
        return scheduling;
    }

    public void setScheduling(RelayScheduling scheduling) {
        this.scheduling = scheduling;
    }
}

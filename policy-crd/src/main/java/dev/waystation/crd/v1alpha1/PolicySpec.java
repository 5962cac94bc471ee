package dev.waystation.crd.v1alpha1;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * What a {@link Policy} sets and for whom. Cross-field rules are CEL, so the API server rejects a
 * malformed Policy before the operator ever sees it; setting keys, types and scopes are checked by
 * the operator against the relay's setting catalog (they change with the relay, not the CRD).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.scope != 'Profile' || (has(self.regions) && size(self.regions) > 0)",
        message = "scope Profile requires spec.regions: the names of the DerpRegions this Policy applies to")
@ValidationRule(value = "self.scope == 'Profile' || !has(self.regions)",
        message = "spec.regions is only allowed with scope Profile")
@ValidationRule(value = "self.scope != 'User' || (has(self.nodeKeys) && size(self.nodeKeys) > 0)",
        message = "scope User requires spec.nodeKeys: the node keys (nodekey:<64 hex digits>) this Policy applies to")
@ValidationRule(value = "self.scope == 'User' || !has(self.nodeKeys)",
        message = "spec.nodeKeys is only allowed with scope User")
public class PolicySpec {

    /** Upper bounds keep the CEL cost estimate of the list rules within the API server's budget. */
    static final int MAX_REGIONS = 256;
    static final int MAX_NODE_KEYS = 4096;
    static final int MAX_SETTINGS = 256;
    /** A DerpRegion name: a DNS-1035 label (it becomes Service names, which must start with a letter). */
    public static final String REGION_NAME_PATTERN = "^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$";
    /** A client's node key as Tailscale prints it. */
    public static final String NODE_KEY_PATTERN = "^nodekey:[0-9a-f]{64}$";

    @Required
    @JsonPropertyDescription("Device (every region), Profile (the regions in spec.regions) or User (the clients in spec.nodeKeys).")
    private PolicyScopeKind scope;

    @Size(max = MAX_REGIONS)
    @JsonPropertyDescription("Scope Profile only: names of the DerpRegions (in this namespace) the settings apply to.")
    private List<@Pattern(REGION_NAME_PATTERN) @Size(max = 63) String> regions;

    @Size(max = MAX_NODE_KEYS)
    @JsonPropertyDescription("Scope User only: client node keys (nodekey:<64 hex digits>) the settings apply to, in every region.")
    private List<@Pattern(NODE_KEY_PATTERN) String> nodeKeys;

    @Default("Mandatory")
    @JsonPropertyDescription("Mandatory (broader scope wins) or Recommended (applies where nothing is mandatory; narrower scope wins).")
    private PolicyEnforcement enforcement = PolicyEnforcement.Mandatory;

    @Default("0")
    @Min(Integer.MIN_VALUE)
    @Max(Integer.MAX_VALUE)
    @JsonPropertyDescription("Order among Policies of the same scope and enforcement: a higher priority wins; "
            + "on equal priority the Policy whose namespace/name sorts later wins.")
    private int priority;

    @Required
    @Size(min = 1, max = MAX_SETTINGS)
    @JsonPropertyDescription("Relay setting key (for example Admission.DeniedClients) to value: a boolean, string, "
            + "unsigned integer, duration string (\"5s\") or list of strings, as the relay's setting catalog defines.")
    private Map<String, JsonNode> settings = new LinkedHashMap<>();

    public PolicyScopeKind getScope() {
        return scope;
    }

    public void setScope(PolicyScopeKind scope) {
        this.scope = scope;
    }

    public List<String> getRegions() {
        return regions;
    }

    public void setRegions(List<String> regions) {
        this.regions = regions;
    }

    public List<String> getNodeKeys() {
        return nodeKeys;
    }

    public void setNodeKeys(List<String> nodeKeys) {
        this.nodeKeys = nodeKeys;
    }

    public PolicyEnforcement getEnforcement() {
        return enforcement;
    }

    public void setEnforcement(PolicyEnforcement enforcement) {
        this.enforcement = enforcement;
    }

    public int getPriority() {
        return priority;
    }

    public void setPriority(int priority) {
        this.priority = priority;
    }

    public Map<String, JsonNode> getSettings() {
        return settings;
    }

    public void setSettings(Map<String, JsonNode> settings) {
        this.settings = settings;
    }
}

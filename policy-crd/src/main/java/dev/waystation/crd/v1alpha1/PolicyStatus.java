package dev.waystation.crd.v1alpha1;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;

/**
 * What the operator made of a {@link Policy}: the {@code Accepted} condition (True with reason
 * {@code Accepted}, or False with reason {@code Invalid}), one entry per bad setting, the settings
 * another Policy overrides, and where the Policy is projected.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PolicyStatus {

    /** Condition type; its reason is {@link #REASON_ACCEPTED} or {@link #REASON_INVALID}. */
    public static final String CONDITION_ACCEPTED = "Accepted";
    public static final String REASON_ACCEPTED = "Accepted";
    public static final String REASON_INVALID = "Invalid";

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Accepted: True when every setting is valid and the Policy is projected to its regions.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("One entry per rejected setting (unknown key, wrong type, wrong scope for that setting).")
    private List<PolicySettingProblem> invalidSettings = new ArrayList<>();

    @JsonPropertyDescription("Settings of this Policy that another Policy's value overrides, and which one.")
    private List<PolicyOverride> overridden = new ArrayList<>();

    @JsonPropertyDescription("DerpRegions whose policy document carries this Policy.")
    private List<String> regions = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public List<PolicySettingProblem> getInvalidSettings() {
        return invalidSettings;
    }

    public void setInvalidSettings(List<PolicySettingProblem> invalidSettings) {
        this.invalidSettings = invalidSettings;
    }

    public List<PolicyOverride> getOverridden() {
        return overridden;
    }

    public void setOverridden(List<PolicyOverride> overridden) {
        this.overridden = overridden;
    }

    public List<String> getRegions() {
        return regions;
    }

    public void setRegions(List<String> regions) {
        this.regions = regions;
    }
}

package dev.waystation.operator.policy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.waystation.policy.catalog.RelaySettings;

/** The relay's setting catalog as the operator checks Policies against it (the same engine code the relay runs). */
@ApplicationScoped
public class PolicyCatalog {

    private final PolicyValidator validator;

    @Inject
    public PolicyCatalog(ObjectMapper json) {
        this.validator = new PolicyValidator(RelaySettings.registry(), json);
    }

    PolicyValidator validator() {
        return validator;
    }
}

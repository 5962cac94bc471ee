package dev.waystation.operator.policy;

import jakarta.enterprise.context.ApplicationScoped;

import dev.waystation.policy.catalog.RelaySettings;

/** The relay's setting catalog as the operator checks Policies against it (the same engine code the relay runs). */
@ApplicationScoped
public class PolicyCatalog {

    private final PolicyValidator validator = new PolicyValidator(RelaySettings.registry());

    PolicyValidator validator() {
        return validator;
    }
}

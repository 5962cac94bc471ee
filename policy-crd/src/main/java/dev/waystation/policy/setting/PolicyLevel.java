package dev.waystation.policy.setting;

/**
 * How strongly a source states a value. Mandatory values follow Tailscale's rule (the broader scope
 * wins); recommended values (as in Chrome's enterprise policy) apply only where no mandatory value
 * exists at any scope, and there the narrower scope wins.
 */
public enum PolicyLevel {
    MANDATORY("mandatory"),
    RECOMMENDED("recommended");

    private final String text;

    PolicyLevel(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}

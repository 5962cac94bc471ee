package dev.waystation.policy.rsop;

/** Where an effective value comes from. */
public enum Provenance {
    /** The catalog default: nobody configured it, or the winning item is an error. */
    DEFAULT("default"),
    MANDATORY("mandatory"),
    RECOMMENDED("recommended");

    private final String text;

    Provenance(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}

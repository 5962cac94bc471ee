package dev.waystation.policy.setting;

/** A scope's text form could not be parsed; the message says why. */
public final class ScopeParseException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ScopeParseException(String message) {
        super(message);
    }
}

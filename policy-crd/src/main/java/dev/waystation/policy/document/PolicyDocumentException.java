package dev.waystation.policy.document;

/**
 * A policy document is malformed as a whole (syntax, shape, scope text, duplicate names). The
 * message names the document and the place: {@code policy.yaml: sources[1] "deny": scope: ...}.
 */
public final class PolicyDocumentException extends Exception {

    private static final long serialVersionUID = 1L;

    public PolicyDocumentException(String message) {
        super(message);
    }

    public PolicyDocumentException(String message, Throwable cause) {
        super(message, cause);
    }
}

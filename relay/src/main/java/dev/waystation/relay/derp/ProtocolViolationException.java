package dev.waystation.relay.derp;

import dev.waystation.relay.metrics.ProtocolError;

/** The peer broke the protocol; its connection is closed and {@link #reason()} is counted. */
public final class ProtocolViolationException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ProtocolError reason;

    /**
     * @param reason what kind of violation, counted in metrics
     * @param message what exactly was wrong, for the log
     */
    public ProtocolViolationException(ProtocolError reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public ProtocolError reason() {
        return reason;
    }
}

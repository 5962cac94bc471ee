package dev.waystation.policy.source;

import dev.waystation.policy.setting.ErrorCode;

/** A store could not read a value, or a whole pass. Carries the code shown with the error item. */
public class PolicyReadException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public PolicyReadException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public PolicyReadException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}

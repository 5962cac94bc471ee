package dev.waystation.policy.setting;

import java.util.Objects;

/** A per-item error: a structured code plus the exact text shown to operators. */
public record SettingError(ErrorCode code, String message) {

    public SettingError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** The error for a value that {@link SettingType#coerce} rejected. */
    public static SettingError of(SettingValueException e) {
        String text = e.getMessage();
        ErrorCode code = text.startsWith("type mismatch") ? ErrorCode.TYPE_MISMATCH : ErrorCode.INVALID_VALUE;
        return new SettingError(code, text);
    }

    @Override
    public String toString() {
        return message;
    }
}

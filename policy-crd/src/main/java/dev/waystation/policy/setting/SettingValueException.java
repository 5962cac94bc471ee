package dev.waystation.policy.setting;

/** A raw value does not fit a setting's type; the message says what was expected and found. */
public final class SettingValueException extends Exception {

    private static final long serialVersionUID = 1L;

    public SettingValueException(String message) {
        super(message);
    }
}

package dev.waystation.policy.setting;

/** Why an item holds an error instead of a value; kept beside the text so callers need not parse it. */
public enum ErrorCode {
    /** The stored value has another shape than the setting's type. */
    TYPE_MISMATCH,
    /** The value has the right shape but is not valid (a bad duration, a number out of range). */
    INVALID_VALUE,
    /** The store could not be read (I/O, permission, parse failure of the whole source). */
    READ_FAILED,
    /** The store was closed. */
    STORE_CLOSED
}

package dev.waystation.policy.setting;

import java.util.Locale;

/**
 * How broad a policy scope is. Declaration order carries meaning: an earlier kind is broader.
 * A setting's kind is both the broadest scope it applies to and the narrowest scope at which it can
 * be configured.
 */
public enum ScopeKind {
    /** The whole relay fleet. */
    DEVICE("Device"),
    /** One DerpRegion. */
    PROFILE("Profile"),
    /** One client, named by its node key. */
    USER("User");

    private final String text;

    ScopeKind(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** True when this kind is strictly broader than {@code other}. */
    public boolean isBroaderThan(ScopeKind other) {
        return ordinal() < other.ordinal();
    }

    /** Case-insensitive: {@code device}, {@code Profile}, {@code USER}. */
    public static ScopeKind parse(String text) {
        for (ScopeKind kind : values()) {
            if (kind.text.equalsIgnoreCase(text)) {
                return kind;
            }
        }
        throw new ScopeParseException(String.format(Locale.ROOT, "\"%s\" is not a valid scope", text));
    }

    @Override
    public String toString() {
        return text;
    }
}

package dev.waystation.policy.setting;

import java.util.Objects;

/**
 * A concrete scope: a kind plus an optional profile ID (a DerpRegion name) and user ID (a client's
 * node key). An empty ID means "the current one". Compares by value.
 *
 * <p>Text form: {@code Device}, {@code Profile}, {@code Profile(eu-west)}, {@code User},
 * {@code User(nodekey:ab..)}, {@code Profile(eu-west)/User(nodekey:ab..)}.
 */
public record PolicyScope(ScopeKind kind, String profileId, String userId) {

    public static final PolicyScope DEVICE = new PolicyScope(ScopeKind.DEVICE, "", "");
    public static final PolicyScope CURRENT_PROFILE = new PolicyScope(ScopeKind.PROFILE, "", "");
    public static final PolicyScope CURRENT_USER = new PolicyScope(ScopeKind.USER, "", "");

    private static final char HIERARCHY_SEPARATOR = '/';

    public PolicyScope {
        Objects.requireNonNull(kind, "kind");
        profileId = profileId == null ? "" : profileId;
        userId = userId == null ? "" : userId;
        if (kind == ScopeKind.DEVICE && !(profileId.isEmpty() && userId.isEmpty())) {
            throw new ScopeParseException("the device scope must not have an ID");
        }
        if (kind == ScopeKind.PROFILE && !userId.isEmpty()) {
            throw new IllegalArgumentException("a profile scope has no user ID");
        }
    }

    /** The scope of one DerpRegion. */
    public static PolicyScope profile(String region) {
        return new PolicyScope(ScopeKind.PROFILE, region, "");
    }

    /** The scope of one client (its node key, {@code nodekey:<hex>}). */
    public static PolicyScope user(String nodeKey) {
        return new PolicyScope(ScopeKind.USER, "", nodeKey);
    }

    /** Parses the text form; see {@link ScopeText}. */
    public static PolicyScope parse(String text) {
        return ScopeText.parse(text);
    }

    /** Settings that apply to this scope also apply to {@code other}. */
    public boolean contains(PolicyScope other) {
        if (kind.ordinal() > other.kind.ordinal()) {
            return false;
        }
        return switch (kind) {
            case DEVICE -> true;
            case PROFILE -> profileId.equals(other.profileId);
            case USER -> userId.equals(other.userId);
        };
    }

    public boolean strictlyContains(PolicyScope other) {
        return !equals(other) && contains(other);
    }

    /** A policy at this scope may configure {@code definition}. */
    public boolean isConfigurable(SettingDefinition<?> definition) {
        return definition != null && definition.scope().ordinal() >= kind.ordinal();
    }

    /** {@code definition} can be retrieved at this scope. */
    public boolean isApplicable(SettingDefinition<?> definition) {
        return definition != null && definition.scope().ordinal() <= kind.ordinal();
    }

    @Override
    public String toString() {
        if (profileId.isEmpty() && userId.isEmpty()) {
            return kind.text();
        }
        StringBuilder text = new StringBuilder();
        if (kind == ScopeKind.PROFILE || !profileId.isEmpty()) {
            appendPart(text, ScopeKind.PROFILE, profileId);
        }
        if (kind == ScopeKind.USER) {
            if (!text.isEmpty()) {
                text.append(HIERARCHY_SEPARATOR);
            }
            appendPart(text, ScopeKind.USER, userId);
        }
        return text.toString();
    }

    private static void appendPart(StringBuilder text, ScopeKind kind, String id) {
        text.append(kind.text());
        if (!id.isEmpty()) {
            text.append('(').append(id).append(')');
        }
    }
}

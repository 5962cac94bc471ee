package dev.waystation.policy.setting;

/**
 * Parser for {@link PolicyScope}'s text form: at most two parts separated by the first {@code /},
 * each {@code Name} or {@code Name(id)} (the id runs to the last {@code )}), kinds strictly
 * narrowing from left to right.
 */
final class ScopeText {

    private ScopeText() {
    }

    static PolicyScope parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new ScopeParseException("\"\" is not a valid scope");
        }
        int slash = text.indexOf('/');
        String[] parts = slash < 0 ? new String[] {text}
                : new String[] {text.substring(0, slash), text.substring(slash + 1)};
        ScopeKind kind = null;
        String profileId = "";
        String userId = "";
        for (String part : parts) {
            int open = part.indexOf('(');
            String name = part;
            String id = "";
            if (open >= 0) {
                int close = part.lastIndexOf(')');
                if (close < open) {
                    throw new ScopeParseException("missing ')' in scope \"" + text + "\"");
                }
                name = part.substring(0, open);
                id = part.substring(open + 1, close);
                if (close != part.length() - 1) {
                    throw new ScopeParseException("unexpected text after ')' in scope \"" + text + "\"");
                }
            }
            ScopeKind partKind = ScopeKind.parse(name);
            if (kind != null && partKind.ordinal() <= kind.ordinal()) {
                throw new ScopeParseException("invalid scope hierarchy: \"" + text + "\"");
            }
            switch (partKind) {
                case DEVICE -> {
                    if (!id.isEmpty()) {
                        throw new ScopeParseException("the device scope must not have an ID: \"" + text + "\"");
                    }
                }
                case PROFILE -> profileId = id;
                case USER -> userId = id;
            }
            kind = partKind;
        }
        return new PolicyScope(kind, profileId, userId);
    }
}

package dev.waystation.policy.setting;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The catalog's semantic rules: node keys, CIDRs, webhook URLs and duration ranges. A list rule
 * checks every element and names the first bad one with its index, so an operator sees exactly
 * which entry to fix.
 */
public final class ValueRules {

    /** A client node key as policies write it. */
    public static final String NODE_KEY_PREFIX = "nodekey:";
    private static final int NODE_KEY_HEX_DIGITS = 64;

    private ValueRules() {
    }

    /** Every element a node key, normalised to {@code nodekey:} and lower-case hex (upper case accepted). */
    public static ValueRule<List<String>> nodeKeys() {
        return list(ValueRules::nodeKey);
    }

    /** Every element a CIDR or a bare IP address (kept as written). */
    public static ValueRule<List<String>> cidrs() {
        return list(text -> {
            Cidr.parse(text);
            return text;
        });
    }

    /**
     * Empty (no webhook) or an absolute {@code http}/{@code https} URL with a host and no fragment.
     * Whether plain {@code http} may be used is a separate, deployment-wide decision (see the
     * catalog's {@code Admission.VerifyURLAllowHTTP}).
     */
    public static ValueRule<String> webhookUrl() {
        return text -> {
            if (text.isEmpty()) {
                return text;
            }
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new SettingValueException("invalid URL \"" + text + "\": " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                throw new SettingValueException("invalid URL \"" + text + "\": want an absolute https:// URL");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new SettingValueException("invalid URL \"" + text + "\": no host");
            }
            if (uri.getRawFragment() != null) {
                throw new SettingValueException("invalid URL \"" + text + "\": a fragment is not sent to a server");
            }
            return text;
        };
    }

    /** A duration within {@code [min, max]}. */
    public static ValueRule<Duration> durationBetween(Duration min, Duration max) {
        return value -> {
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new SettingValueException("duration " + DurationText.format(value) + " is out of range "
                        + DurationText.format(min) + ".." + DurationText.format(max));
            }
            return value;
        };
    }

    /** {@code nodekey:} and 64 hex digits, returned with lower-case hex; anything else is rejected. */
    public static String nodeKey(String text) throws SettingValueException {
        if (!text.startsWith(NODE_KEY_PREFIX) || text.length() != NODE_KEY_PREFIX.length() + NODE_KEY_HEX_DIGITS) {
            throw notNodeKey(text);
        }
        for (int i = NODE_KEY_PREFIX.length(); i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                throw notNodeKey(text);
            }
        }
        return text.toLowerCase(Locale.ROOT);
    }

    private static SettingValueException notNodeKey(String text) {
        return new SettingValueException("\"" + text + "\" is not a node key: want \"" + NODE_KEY_PREFIX
                + "\" and " + NODE_KEY_HEX_DIGITS + " hex digits");
    }

    /** One element's check and normal form. */
    @FunctionalInterface
    private interface ElementRule {
        String check(String element) throws SettingValueException;
    }

    private static ValueRule<List<String>> list(ElementRule element) {
        return values -> {
            List<String> out = new ArrayList<>(values.size());
            for (int i = 0; i < values.size(); i++) {
                try {
                    out.add(element.check(values.get(i)));
                } catch (SettingValueException e) {
                    throw new SettingValueException("element [" + i + "]: " + e.getMessage());
                }
            }
            return List.copyOf(out);
        };
    }
}

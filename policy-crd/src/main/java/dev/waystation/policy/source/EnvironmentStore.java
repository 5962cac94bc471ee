package dev.waystation.policy.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingKey;
import dev.waystation.policy.setting.SettingType;

/**
 * Mandatory values from environment variables. A key maps to {@code WAYSTATION_POLICY_} plus its
 * words in upper case joined by {@code _}: a word starts at a lower→upper change, at the last
 * capital of an acronym followed by lower case ({@code VerifyURLFailOpen} → {@code VERIFY_URL_FAIL_OPEN};
 * a plural acronym such as {@code CIDRs} stays one word, {@code CIDRS}), and where letters and digits
 * meet; {@code /} becomes {@code _} and {@code .} becomes {@code __}. So {@code STUN.Enabled} is
 * {@code WAYSTATION_POLICY_STUN__ENABLED} and {@code Debug.AllowedCIDRs} is
 * {@code WAYSTATION_POLICY_DEBUG__ALLOWED_CIDRS}.
 *
 * <p>Values are text: booleans in Go's spellings ({@code true}, {@code 1}, {@code f}...), decimal
 * integers, Go durations, lists separated by commas (blanks trimmed, empty elements dropped). An
 * empty variable is "not configured" for booleans, integers and durations, the empty string for
 * strings and the empty list for lists. The environment does not change at run time, so this store
 * never notifies.
 */
public final class EnvironmentStore implements PolicyStore {

    public static final String PREFIX = "WAYSTATION_POLICY_";

    private final Map<String, String> environment;

    /** Reads from {@code environment} (pass {@link System#getenv()} in production). */
    public EnvironmentStore(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The variable that configures {@code key}. */
    public static String variableName(SettingKey key) {
        String name = key.name();
        StringBuilder out = new StringBuilder(PREFIX);
        boolean wordOpen = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            char previous = i > 0 ? name.charAt(i - 1) : 0;
            char next = i + 1 < name.length() ? name.charAt(i + 1) : 0;
            if (c == '/' || c == '.') {
                out.append(c == '/' ? "_" : "__");
                wordOpen = false;
                continue;
            }
            boolean newWord;
            if (Character.isLowerCase(c)) {
                newWord = !Character.isLetter(previous);
            } else if (Character.isUpperCase(c)) {
                newWord = !Character.isUpperCase(previous) || (Character.isLowerCase(next) && !isPluralS(name, i + 1));
            } else {
                newWord = !Character.isDigit(previous);
            }
            if (wordOpen && newWord) {
                out.append('_');
            }
            out.append(Character.toUpperCase(c));
            wordOpen = true;
        }
        return out.toString();
    }

    @Override
    public Optional<Object> read(SettingDefinition<?> definition, PolicyLevel level) {
        if (level != PolicyLevel.MANDATORY) {
            return Optional.empty();
        }
        String text = environment.get(variableName(definition.key()));
        if (text == null) {
            return Optional.empty();
        }
        if (definition.type() == SettingType.STRING) {
            return Optional.of(text);
        }
        if (definition.type() == SettingType.STRING_LIST) {
            List<String> elements = new ArrayList<>();
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    elements.add(part.strip());
                }
            }
            return Optional.of(List.copyOf(elements));
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text.strip());
    }

    /** A lone lower-case {@code s} ending a word: the plural of the acronym before it. */
    private static boolean isPluralS(String name, int index) {
        if (name.charAt(index) != 's') {
            return false;
        }
        return index + 1 == name.length() || !Character.isLowerCase(name.charAt(index + 1));
    }
}

package dev.waystation.relay.testing;

import java.util.List;
import java.util.stream.Collectors;

/** Small policy documents in the shared document format, for the admission tests. */
public final class PolicyDocs {

    private PolicyDocs() {
    }

    /** A document of sources, each from {@link #source}. */
    public static String document(String... sources) {
        return "version: 1\nsources:\n" + String.join("", sources);
    }

    /** One mandatory source; {@code settings} are YAML lines such as {@code "STUN.Enabled: false"}. */
    public static String source(String name, String scope, String... settings) {
        StringBuilder out = new StringBuilder("  - name: ").append(name).append("\n    scope: '").append(scope)
                .append("'\n    mandatory:\n");
        for (String setting : settings) {
            out.append("      ").append(setting).append('\n');
        }
        return out.toString();
    }

    public static String list(List<String> items) {
        return items.stream().map(i -> "'" + i + "'").collect(Collectors.joining(", ", "[", "]"));
    }
}

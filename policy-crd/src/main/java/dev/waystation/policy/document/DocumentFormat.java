package dev.waystation.policy.document;

import java.util.Locale;

/** JSON or YAML. */
public enum DocumentFormat {
    JSON,
    YAML;

    /** By file name ({@code .json} is JSON, anything else YAML, which also reads most JSON). */
    public static DocumentFormat ofFileName(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".json") ? JSON : YAML;
    }

    /** By content: a leading {@code {} is JSON, anything else YAML. */
    public static DocumentFormat sniff(String content) {
        return content.stripLeading().startsWith("{") ? JSON : YAML;
    }
}

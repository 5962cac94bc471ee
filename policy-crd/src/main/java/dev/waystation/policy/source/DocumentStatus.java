package dev.waystation.policy.source;

import java.util.List;
import java.util.Optional;

/**
 * The state of one policy document (a file or a ConfigMap): the sources it registered, the per-key
 * problems of the last good version, and the error of the last attempt when it was rejected (the
 * last good version then stays in force).
 */
public record DocumentStatus(String name, List<String> sources, List<String> problems, Optional<String> error,
        long appliedVersions) {

    public DocumentStatus {
        sources = List.copyOf(sources);
        problems = List.copyOf(problems);
    }
}

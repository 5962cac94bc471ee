package dev.waystation.policy.rsop;

import java.util.Comparator;

import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.source.PolicyStore;
import dev.waystation.policy.source.SourceReader;

/**
 * A source in the engine's list, ranked by {@link SourcePrecedence} (priority, then name). Two
 * sources with the same priority and name fall back to their scope text and only then to the
 * registration sequence, which a replacement keeps.
 */
record RegisteredSource(String name, PolicyScope scope, int priority, long sequence, PolicyStore store,
        SourceReader reader) {

    /** Lowest precedence first. */
    static final Comparator<RegisteredSource> ORDER = SourcePrecedence
            .order(RegisteredSource::priority, RegisteredSource::name)
            .thenComparing(source -> source.scope().toString())
            .thenComparingLong(RegisteredSource::sequence);

    SourceStatus status() {
        return new SourceStatus(name, scope, priority, reader.failure(), reader.problem());
    }
}

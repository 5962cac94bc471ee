package dev.waystation.policy.rsop;

import java.util.Comparator;

import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.source.PolicyStore;
import dev.waystation.policy.source.SourceReader;

/**
 * A source in the engine's list: ranked by priority then registration sequence. A replacement
 * keeps both, so its position is the same in every policy, existing or created later.
 */
record RegisteredSource(String name, PolicyScope scope, int priority, long sequence, PolicyStore store,
        SourceReader reader) {

    /** Registration order: lowest priority first, then first registered first. */
    static final Comparator<RegisteredSource> ORDER = Comparator.comparingInt(RegisteredSource::priority)
            .thenComparingLong(RegisteredSource::sequence);

    SourceStatus status() {
        return new SourceStatus(name, scope, priority, reader.failure(), reader.problem());
    }
}

package dev.waystation.policy.setting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The merge rules. Mandatory values: the broader scope wins (Device &gt; Profile &gt; User), and
 * within one scope kind the source later in the given order wins. Recommended values: only where no
 * mandatory item exists, and there the narrower scope wins (later still wins within a kind). An
 * error item takes part in precedence like a value.
 */
public final class PolicyMerge {

    /** Lowest mandatory precedence first: User, Profile, Device (stable, so given order is kept). */
    private static final Comparator<SourceSnapshot> MANDATORY_ORDER =
            Comparator.comparing((SourceSnapshot s) -> s.scope().kind()).reversed();
    /** Lowest recommended precedence first: Device, Profile, User. */
    private static final Comparator<SourceSnapshot> RECOMMENDED_ORDER =
            Comparator.comparing((SourceSnapshot s) -> s.scope().kind());

    private PolicyMerge() {
    }

    /**
     * The resultant snapshot for {@code target} from {@code sources}, given lowest precedence first
     * within each scope kind (the engine's order: priority, then name). The caller passes only sources whose
     * scope contains {@code target}. The summary is {@code target}, plus the origin of the single
     * contributing source when there is exactly one.
     */
    public static Snapshot resultant(PolicyScope target, List<SourceSnapshot> sources) {
        Map<SettingKey, SettingItem> merged = new HashMap<>();
        overlay(merged, sources, RECOMMENDED_ORDER, PolicyLevel.RECOMMENDED);
        overlay(merged, sources, MANDATORY_ORDER, PolicyLevel.MANDATORY);
        Origin single = null;
        int contributors = 0;
        for (SourceSnapshot source : sources) {
            if (!source.isEmpty()) {
                contributors++;
                single = source.origin();
            }
        }
        return Snapshot.of(merged, target, contributors == 1 ? single : null);
    }

    /**
     * Every item stated for {@code key}, winner first, then the ones it shadows in falling
     * precedence (mandatory before recommended).
     */
    public static List<SettingItem> candidates(SettingKey key, List<SourceSnapshot> sources) {
        List<SettingItem> out = new ArrayList<>();
        collect(out, key, sources, MANDATORY_ORDER, PolicyLevel.MANDATORY);
        collect(out, key, sources, RECOMMENDED_ORDER, PolicyLevel.RECOMMENDED);
        return out;
    }

    /**
     * Tailscale's pairwise merge: when {@code first}'s scope strictly contains {@code second}'s,
     * {@code first} wins; otherwise {@code second} wins. An empty side returns the other argument
     * itself (with the narrower scope as summary when both have one).
     */
    public static Snapshot merge(Snapshot first, Snapshot second) {
        Snapshot narrow = first == null ? Snapshot.EMPTY : first;
        Snapshot broad = second == null ? Snapshot.EMPTY : second;
        if (narrow.scope() != null && broad.scope() != null && narrow.scope().strictlyContains(broad.scope())) {
            Snapshot swap = narrow;
            narrow = broad;
            broad = swap;
        }
        if (broad.isEmpty()) {
            return narrow;
        }
        PolicyScope scope = narrow.scope();
        if (narrow.isEmpty()) {
            return broad.withSummary(scope, broad.origin());
        }
        Map<SettingKey, SettingItem> items = new HashMap<>(narrow.items());
        items.putAll(broad.items());
        return Snapshot.of(items, scope, null);
    }

    private static void overlay(Map<SettingKey, SettingItem> into, List<SourceSnapshot> sources,
            Comparator<SourceSnapshot> order, PolicyLevel level) {
        List<SourceSnapshot> sorted = new ArrayList<>(sources);
        sorted.sort(order);
        for (SourceSnapshot source : sorted) {
            into.putAll(source.level(level).items());
        }
    }

    private static void collect(List<SettingItem> out, SettingKey key, List<SourceSnapshot> sources,
            Comparator<SourceSnapshot> order, PolicyLevel level) {
        // Reverse first so that the stable sort keeps higher-precedence sources first within a kind.
        List<SourceSnapshot> sorted = new ArrayList<>(sources);
        java.util.Collections.reverse(sorted);
        sorted.sort(order.reversed());
        for (SourceSnapshot source : sorted) {
            SettingItem item = source.level(level).get(key);
            if (item != null) {
                out.add(item);
            }
        }
    }
}

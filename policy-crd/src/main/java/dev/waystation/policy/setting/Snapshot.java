package dev.waystation.policy.setting;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable map from key to item, with a summary: the scope it was built for and, when exactly
 * one source produced it, that source's origin. Safe to share; reads never lock.
 */
public final class Snapshot {

    /** No items, no summary. */
    public static final Snapshot EMPTY = new Snapshot(Map.of(), null, null);

    private final Map<SettingKey, SettingItem> items;
    private final PolicyScope scope;
    private final Origin origin;
    private final int itemsHash;

    private Snapshot(Map<SettingKey, SettingItem> items, PolicyScope scope, Origin origin) {
        this.items = items;
        this.scope = scope;
        this.origin = origin;
        this.itemsHash = items.hashCode();
    }

    /** A snapshot of a copy of {@code items}. {@code scope} and {@code origin} may be null. */
    public static Snapshot of(Map<SettingKey, SettingItem> items, PolicyScope scope, Origin origin) {
        PolicyScope summaryScope = scope == null && origin != null ? origin.scope() : scope;
        if (items.isEmpty() && summaryScope == null && origin == null) {
            return EMPTY;
        }
        return new Snapshot(Collections.unmodifiableMap(new LinkedHashMap<>(items)), summaryScope, origin);
    }

    public static Snapshot of(Map<SettingKey, SettingItem> items) {
        return of(items, null, null);
    }

    /** The item for {@code key}, or null when not configured. */
    public SettingItem get(SettingKey key) {
        return items.get(key);
    }

    /** The effective value: the item's value, or the default when not configured or in error. */
    @SuppressWarnings("unchecked")
    public <T> T value(SettingDefinition<T> definition) {
        SettingItem item = items.get(definition.key());
        return item == null || item.isError() ? definition.defaultValue() : (T) item.value();
    }

    public boolean contains(SettingKey key) {
        return items.containsKey(key);
    }

    /** Every item, in no particular order. */
    public Map<SettingKey, SettingItem> items() {
        return items;
    }

    /** Keys sorted by name. */
    public List<SettingKey> keys() {
        return List.copyOf(new TreeSet<>(items.keySet()));
    }

    public int size() {
        return items.size();
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** The scope this snapshot was built for, or null. */
    public PolicyScope scope() {
        return scope;
    }

    /** The single contributing source, or null. */
    public Origin origin() {
        return origin;
    }

    /** The same snapshot with another summary. */
    public Snapshot withSummary(PolicyScope newScope, Origin newOrigin) {
        return of(items, newScope, newOrigin);
    }

    /** Same keys with equal items (values, errors, origins, levels); the summary is ignored. */
    public boolean equalItems(Snapshot other) {
        if (this == other) {
            return true;
        }
        Snapshot that = other == null ? EMPTY : other;
        return itemsHash == that.itemsHash && items.equals(that.items);
    }

    /**
     * Keys whose item differs between the two snapshots, sorted: values, errors (including
     * missing↔error and one error to another) and origins.
     */
    public Set<SettingKey> changedKeys(Snapshot newer) {
        Snapshot that = newer == null ? EMPTY : newer;
        Set<SettingKey> changed = new TreeSet<>();
        if (equalItems(that)) {
            return Collections.unmodifiableSet(changed);
        }
        for (Map.Entry<SettingKey, SettingItem> e : items.entrySet()) {
            if (!Objects.equals(e.getValue(), that.items.get(e.getKey()))) {
                changed.add(e.getKey());
            }
        }
        for (SettingKey key : that.items.keySet()) {
            if (!items.containsKey(key)) {
                changed.add(key);
            }
        }
        return Collections.unmodifiableSet(changed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot that && equalItems(that) && Objects.equals(scope, that.scope)
                && Objects.equals(origin, that.origin);
    }

    @Override
    public int hashCode() {
        return itemsHash;
    }

    /** {@code {summary}} then {@code Key = item} lines sorted by key; {@code {Empty}} when nothing. */
    @Override
    public String toString() {
        boolean hasSummary = scope != null || origin != null;
        if (items.isEmpty() && !hasSummary) {
            return "{Empty}";
        }
        StringBuilder out = new StringBuilder();
        if (hasSummary) {
            String summary = origin != null ? origin.toString() : scope.toString();
            out.append(items.isEmpty() ? "{Empty, " + summary + "}" : "{" + summary + "}");
        }
        for (SettingKey key : keys()) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(key).append(" = ").append(items.get(key));
        }
        return out.toString();
    }
}

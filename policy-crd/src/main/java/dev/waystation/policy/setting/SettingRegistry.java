package dev.waystation.policy.setting;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings an engine knows. Registration is open until first use ({@link #definitions()} and
 * friends), then frozen: a later {@link #register} fails rather than being lost. Re-registering a
 * compatible definition is harmless; a conflicting one is remembered and makes every use fail with
 * {@link DefinitionConflictException}, so a bad catalog shows at startup.
 *
 * <p>An instance, not a global: each engine (and each test) owns its registry.
 */
public final class SettingRegistry {

    private final Map<SettingKey, SettingDefinition<?>> byKey = new LinkedHashMap<>();
    private final List<String> conflicts = new ArrayList<>();
    private volatile Map<SettingKey, SettingDefinition<?>> frozen;

    public SettingRegistry() {
    }

    /** A registry holding {@code definitions}. */
    public static SettingRegistry of(Collection<? extends SettingDefinition<?>> definitions) {
        SettingRegistry registry = new SettingRegistry();
        definitions.forEach(registry::register);
        return registry;
    }

    /**
     * Adds a definition.
     *
     * @throws IllegalStateException when the registry is already in use
     */
    public synchronized void register(SettingDefinition<?> definition) {
        if (frozen != null) {
            throw new IllegalStateException("policy definitions are already in use; cannot register " + definition);
        }
        SettingDefinition<?> existing = byKey.putIfAbsent(definition.key(), definition);
        if (existing != null && !existing.isCompatibleWith(definition)) {
            conflicts.add("duplicate policy definition: \"" + definition.key() + "\" registered as " + existing
                    + " default " + existing.defaultValue() + " and as " + definition + " default "
                    + definition.defaultValue());
        }
    }

    /** Problems found so far, empty when the catalog is consistent. Does not freeze. */
    public synchronized List<String> conflicts() {
        return List.copyOf(conflicts);
    }

    /** Every definition in registration order; freezes the registry. */
    public Collection<SettingDefinition<?>> definitions() {
        return freeze().values();
    }

    public Optional<SettingDefinition<?>> definition(SettingKey key) {
        return Optional.ofNullable(freeze().get(key));
    }

    public Optional<SettingDefinition<?>> definition(String key) {
        String problem = SettingKey.problemWith(key);
        return problem != null ? Optional.empty() : definition(SettingKey.of(key));
    }

    public boolean isFrozen() {
        return frozen != null;
    }

    /**
     * Freezes and returns the key map.
     *
     * @throws DefinitionConflictException when two registrations of a key disagree
     */
    public Map<SettingKey, SettingDefinition<?>> freeze() {
        Map<SettingKey, SettingDefinition<?>> map = frozen;
        if (map == null) {
            synchronized (this) {
                if (frozen == null) {
                    frozen = Collections.unmodifiableMap(new LinkedHashMap<>(byKey));
                }
                map = frozen;
            }
        }
        if (!conflicts.isEmpty()) {
            throw new DefinitionConflictException(conflicts());
        }
        return map;
    }
}

package dev.waystation.relay.policy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.rsop.PolicyObserver;
import dev.waystation.policy.rsop.ResultantPolicy;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingItem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;

/**
 * Policy metrics. Per-setting gauges and the generation exist for the fleet ({@code Device}) and this
 * relay's region scope only: client scopes (one per node key) and scopes asked about through
 * {@code /debug/policy?scope=} would make label sets unbounded.
 *
 * <ul>
 * <li>{@code waystation_policy_setting_configured{key,scope}}: 1 when a value (not an error) is in force
 * <li>{@code waystation_policy_setting_error{key,scope}}: 1 when the winning item is an error
 * <li>{@code waystation_policy_reloads_total{result="success|error"}}: error when a source failed or
 *     reported a problem (its last good snapshot was used)
 * <li>{@code waystation_policy_generation{scope}}, {@code waystation_policy_last_reload_duration_seconds{scope}}
 * </ul>
 */
final class PolicyMetrics implements PolicyObserver {

    static final String CONFIGURED = "waystation.policy.setting.configured";
    static final String ERROR = "waystation.policy.setting.error";
    static final String RELOADS = "waystation.policy.reloads";
    static final String GENERATION = "waystation.policy.generation";
    static final String LAST_RELOAD = "waystation.policy.last.reload.duration";

    private final MeterRegistry registry;
    private final PolicyScope regionScope;
    private final Counter successes;
    private final Counter errors;
    private final Set<PolicyScope> instrumented = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<PolicyScope, long[]> lastReloadNanos = new ConcurrentHashMap<>();

    PolicyMetrics(MeterRegistry registry, PolicyScope regionScope) {
        this.registry = registry;
        this.regionScope = regionScope;
        this.successes = Counter.builder(RELOADS).tag("result", "success")
                .description("Resultant policy reloads by outcome").register(registry);
        this.errors = Counter.builder(RELOADS).tag("result", "error")
                .description("Resultant policy reloads by outcome").register(registry);
    }

    @Override
    public void reloaded(ResultantPolicy policy, long nanos, boolean healthy) {
        (healthy ? successes : errors).increment();
        PolicyScope scope = policy.scope();
        if (!scope.equals(PolicyScope.DEVICE) && !scope.equals(regionScope)) {
            return;
        }
        lastReloadNanos.computeIfAbsent(scope, s -> new long[1])[0] = nanos;
        if (instrumented.add(scope)) {
            instrument(policy);
        }
    }

    private void instrument(ResultantPolicy policy) {
        String scope = policy.scope().toString();
        long[] last = lastReloadNanos.get(policy.scope());
        Gauge.builder(GENERATION, policy, ResultantPolicy::generation).tag("scope", scope)
                .description("Changes of the resultant policy since start").strongReference(true).register(registry);
        TimeGauge.builder(LAST_RELOAD, last, TimeUnit.NANOSECONDS, l -> l[0]).tag("scope", scope)
                .description("Duration of the last reload pass").strongReference(true).register(registry);
        for (SettingDefinition<?> definition : RelaySettings.all()) {
            String key = definition.key().name();
            Gauge.builder(CONFIGURED, policy, p -> configured(p, definition) ? 1 : 0).tags("key", key, "scope", scope)
                    .description("1 when the setting has a configured value in force").strongReference(true).register(registry);
            Gauge.builder(ERROR, policy, p -> failed(p, definition) ? 1 : 0).tags("key", key, "scope", scope)
                    .description("1 when the setting's winning item is an error").strongReference(true).register(registry);
        }
    }

    private static boolean configured(ResultantPolicy policy, SettingDefinition<?> definition) {
        SettingItem item = policy.snapshot().get(definition.key());
        return item != null && !item.isError();
    }

    private static boolean failed(ResultantPolicy policy, SettingDefinition<?> definition) {
        SettingItem item = policy.snapshot().get(definition.key());
        return item != null && item.isError();
    }
}

package dev.waystation.relay.policy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import jakarta.enterprise.inject.Vetoed;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.rsop.DebounceDelays;
import dev.waystation.policy.rsop.MemberPolicies;
import dev.waystation.policy.rsop.PolicyEngine;
import dev.waystation.policy.rsop.PolicyView;
import dev.waystation.policy.rsop.ResultantPolicy;
import dev.waystation.policy.rsop.SystemPolicyClock;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.ScopeKind;
import dev.waystation.policy.source.MemoryStore;
import dev.waystation.policy.source.PolicyReadException;

/**
 * A {@link RelayPolicy} for consumer tests, on a real engine with a listener thread, whose views can
 * change the policy in the middle of a consumer's bind: {@link #changeDuringNextBind} makes the next
 * projection (the one a bind does before the first apply) replace the region's values and reload,
 * so the change is published while the consumer is between bind and its first apply. A consumer
 * that binds atomically ends on the new values; one that reads and then subscribes misses them.
 * Not a bean: Quarkus tests keep the real {@link RelayPolicy}.
 */
@Vetoed
public final class RacingRelayPolicy extends RelayPolicy implements AutoCloseable {

    public static final String REGION = "race";

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService listeners = Executors.newSingleThreadExecutor();
    private final PolicyEngine racingEngine = new PolicyEngine(RelaySettings.registry(), new SystemPolicyClock(timer),
            listeners, new DebounceDelays(Duration.ZERO, Duration.ofMillis(10)));
    private final MemoryStore region = new MemoryStore();
    private final AtomicReference<Map<String, Object>> pending = new AtomicReference<>();
    private final ResultantPolicy regionPolicy;
    private final PolicyView<AdmissionPolicy> admissionView;
    private final PolicyView<StunPolicy> stunView;
    private final PolicyView<DebugAccessPolicy> debugView;
    private final MemberPolicies<ClientPolicy> clientPolicies;

    public RacingRelayPolicy(Map<String, Object> initial) {
        region.replace(initial, Map.of(), null);
        try {
            racingEngine.register("region", PolicyScope.profile(REGION), region);
        } catch (PolicyReadException e) {
            throw new IllegalStateException(e);
        }
        regionPolicy = racingEngine.policyFor(PolicyScope.profile(REGION));
        admissionView = new PolicyView<>(regionPolicy, racing(AdmissionPolicy::of));
        stunView = new PolicyView<>(regionPolicy, racing(StunPolicy::of));
        debugView = new PolicyView<>(regionPolicy, racing(DebugAccessPolicy::of));
        // A client's bind works out its scope before its first delivery: the hook goes there.
        clientPolicies = new MemberPolicies<>(racingEngine, PolicyScope.profile(REGION), key -> {
            fireIfArmed();
            return new PolicyScope(ScopeKind.USER, REGION, key);
        }, ClientPolicy::of);
    }

    /** The next bind's projection replaces the region's mandatory values with {@code values}. */
    public void changeDuringNextBind(Map<String, Object> values) {
        pending.set(values);
    }

    /** True once the armed change has happened. */
    public boolean changed() {
        return pending.get() == null;
    }

    @Override
    public PolicyView<AdmissionPolicy> admission() {
        return admissionView;
    }

    @Override
    public PolicyView<StunPolicy> stun() {
        return stunView;
    }

    @Override
    public PolicyView<DebugAccessPolicy> debugAccess() {
        return debugView;
    }

    @Override
    public MemberPolicies<ClientPolicy> clients() {
        return clientPolicies;
    }

    @Override
    public PolicyEngine engine() {
        return racingEngine;
    }

    @Override
    public void close() {
        clientPolicies.close();
        racingEngine.close();
        timer.shutdownNow();
        listeners.shutdownNow();
    }

    private <T> Function<ResultantPolicy, T> racing(Function<ResultantPolicy, T> projection) {
        return policy -> {
            T before = projection.apply(policy);
            fireIfArmed();
            return before;
        };
    }

    /** Changes the store and reloads at once: the event is queued for the listener thread. */
    private void fireIfArmed() {
        Map<String, Object> values = pending.getAndSet(null);
        if (values != null) {
            region.replace(values, Map.of(), null);
            regionPolicy.reload();
        }
    }
}

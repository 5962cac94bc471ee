package dev.waystation.operator.policy;

import static dev.waystation.operator.policy.Policies.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.document.DocumentSource;
import dev.waystation.policy.document.DocumentValidator;
import dev.waystation.policy.document.PolicyDocument;
import dev.waystation.policy.rsop.DebounceDelays;
import dev.waystation.policy.rsop.PolicyEngine;
import dev.waystation.policy.rsop.SystemPolicyClock;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.ScopeKind;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.source.DocumentSources;

/**
 * The same set of Policies, in every order of arrival, has one winner per setting: on a relay
 * started fresh on all of them, on a relay that saw them one by one, and in the operator's Policy
 * status. The set has same-priority ties, a name that is a prefix of another ({@code a} and
 * {@code a-b}, whose User source names order differently from the bare names) and a priority that
 * beats the names.
 */
class PrecedenceAcrossArrivalOrderTest {

    private static final String REGION = "eu-west";
    private static final PolicyScope RELAY = PolicyScope.profile(REGION);
    private static final PolicyScope CLIENT = new PolicyScope(ScopeKind.USER, REGION, KEY_A);

    /** Device Policies, each with its own accept rate, so the value names the winner. */
    private static final List<Policy> DEVICE = List.of(
            Policies.device("b", Map.of("Admission.AcceptRatePerSecond", 1)),
            Policies.device("a", Map.of("Admission.AcceptRatePerSecond", 2)),
            Policies.device("a-b", Map.of("Admission.AcceptRatePerSecond", 3)),
            Policies.withPriority(Policies.device("0-first", Map.of("Admission.AcceptRatePerSecond", 4)), -1));
    /** User Policies for one client: {@code x} sorts before {@code x-y}, but {@code x/<key>} after {@code x-y/<key>}. */
    private static final List<Policy> USER = List.of(
            Policies.user("x", List.of(KEY_A), Map.of("Client.RateLimitBytesPerSecond", 100_000)),
            Policies.user("x-y", List.of(KEY_A), Map.of("Client.RateLimitBytesPerSecond", 200_000)),
            Policies.user("w", List.of(KEY_A), Map.of("Client.RateLimitBytesPerSecond", 300_000)));

    @Test
    void oneWinnerInEveryArrivalOrder() {
        Set<String> deviceWinners = new TreeSet<>();
        Set<String> userWinners = new TreeSet<>();
        for (List<Policy> order : permutations(DEVICE)) {
            deviceWinners.addAll(winners(order, RELAY, RelaySettings.ADMISSION_ACCEPT_RATE_PER_SECOND,
                    "Admission.AcceptRatePerSecond"));
        }
        for (List<Policy> order : permutations(USER)) {
            userWinners.addAll(winners(order, CLIENT, RelaySettings.CLIENT_RATE_LIMIT_BYTES_PER_SECOND,
                    "Client.RateLimitBytesPerSecond"));
        }
        // Highest priority among ties is 0; of "a", "a-b", "b" the name "b" sorts last.
        assertThat(deviceWinners).containsExactly("1");
        // Source names policy/relays/w/<key>, policy/relays/x-y/<key>, policy/relays/x/<key>: '/' > '-'.
        assertThat(userWinners).containsExactly("100000");
    }

    /** The winning value as each of the three sees it; one distinct answer means they agree. */
    private static Set<String> winners(List<Policy> arrival, PolicyScope target, SettingDefinition<Long> setting,
            String key) {
        Set<String> seen = new TreeSet<>();
        try (Relay fresh = new Relay()) {
            fresh.apply(arrival);
            seen.add(String.valueOf(fresh.value(target, setting)));
        }
        try (Relay incremental = new Relay()) {
            for (int i = 1; i <= arrival.size(); i++) {
                incremental.apply(arrival.subList(0, i));
            }
            seen.add(String.valueOf(incremental.value(target, setting)));
        }
        PolicyEvaluation evaluation = new PolicyEvaluation(arrival, Policies.validator());
        List<Policy> unbeaten = arrival.stream()
                .filter(policy -> evaluation.overrides(policy).stream().noneMatch(o -> o.getKey().equals(key)))
                .toList();
        assertThat(unbeaten).as("Policies no other beats for %s in arrival %s", key, names(arrival)).hasSize(1);
        seen.add(String.valueOf(((Number) Policies.JSON.convertValue(
                unbeaten.get(0).getSpec().getSettings().get(key), Object.class)).longValue()));
        assertThat(seen).as("winner of %s for arrival %s", key, names(arrival)).hasSize(1);
        return seen;
    }

    private static String names(List<Policy> policies) {
        return policies.stream().map(Policy::sourceName).collect(Collectors.joining(", "));
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T head = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> one = new ArrayList<>();
                one.add(head);
                one.addAll(tail);
                out.add(one);
            }
        }
        return out;
    }

    /** A relay's engine fed one policy document, as the file and ConfigMap stores feed it. */
    private static final class Relay implements AutoCloseable {
        private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        private final PolicyEngine engine = new PolicyEngine(RelaySettings.registry(), new SystemPolicyClock(timers), Runnable::run,
                DebounceDelays.RELAY_DEFAULTS);
        private final DocumentSources sources = new DocumentSources("test", engine,
                new DocumentValidator(engine.registry()));

        Relay() {
            // Live from the start, so a relay that sees Policies one by one reloads on each.
            engine.policyFor(RELAY);
            engine.policyFor(CLIENT);
        }

        void apply(List<Policy> policies) {
            List<DocumentSource> all = new ArrayList<>();
            policies.forEach(policy -> all.addAll(PolicySources.of(policy)));
            sources.apply(PolicyDocument.of(all));
        }

        long value(PolicyScope scope, SettingDefinition<Long> setting) {
            // Each apply reloads live policies synchronously; a re-read shows no store is stale.
            engine.policyFor(scope).reload();
            return engine.policyFor(scope).value(setting);
        }

        @Override
        public void close() {
            sources.close();
            engine.close();
            timers.shutdownNow();
        }
    }
}

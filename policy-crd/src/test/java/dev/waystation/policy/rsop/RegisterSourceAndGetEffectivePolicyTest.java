package dev.waystation.policy.rsop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.Origin;
import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.SettingDefinition;
import dev.waystation.policy.setting.SettingItem;
import dev.waystation.policy.setting.SettingKey;
import dev.waystation.policy.setting.Snapshot;
import dev.waystation.policy.source.MemoryStore;

/**
 * Tailscale's TestRegisterSourceAndGetEffectivePolicy: for sources registered before the policy is
 * created and added after, the policy lists exactly the applicable sources (in the engine's order:
 * priority, then name, whatever the registration order), every setting's candidates in precedence order (winner
 * first), and a snapshot equal to the expected one, summary included.
 */
class RegisterSourceAndGetEffectivePolicyTest {

    static final PolicyScope REGION = PolicyScope.profile("eu");
    static final PolicyScope CLIENT = PolicyScope.user("nodekey:01");
    static final PolicyScope REGION_CLIENT = PolicyScope.parse("Profile(eu)/User(nodekey:01)");
    static final String BURST = "Admission.AcceptBurst";
    static final String RATE = "Admission.AcceptRatePerSecond";
    static final String URL = "Admission.VerifyURL";
    static final String STUN = "STUN.Enabled";
    static final String ALLOWED = "Client.Allowed";
    static final String CLIENT_BURST = "Client.RateBurstBytes";
    static final String CLIENT_RATE = "Client.RateLimitBytesPerSecond";

    /** A source to register: name, scope and mandatory values. */
    record Src(String name, PolicyScope scope, Map<String, Object> values) {
        Origin origin() {
            return new Origin(name, scope);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * One case: {@code sources} is the expected source list of the policy, {@code precedence} maps
     * each configured key to the sources stating it, winner first; {@code summary} names the single
     * contributing source, or is null.
     */
    record Case(PolicyScope target, List<Src> initial, List<Src> added, List<String> sources,
            Map<String, List<String>> precedence, String summary) {
    }

    static Stream<Arguments> cases() {
        Src a = src("A", PolicyScope.DEVICE, BURST, 1L, RATE, 1L);
        Src b = src("B", PolicyScope.DEVICE, RATE, 2L);
        Src c = src("C", PolicyScope.DEVICE, BURST, 3L);
        Src d = src("D", PolicyScope.DEVICE, BURST, 4L);
        Src e = src("E", PolicyScope.DEVICE, RATE, 5L);
        Src f = src("F", PolicyScope.DEVICE, BURST, 6L);
        Src burst = src("Burst", PolicyScope.DEVICE, BURST, 7L);
        Src rate = src("Rate", PolicyScope.DEVICE, RATE, 8L);
        Src url = src("Url", PolicyScope.DEVICE, URL, "https://verify");
        Src stun = src("Stun", PolicyScope.DEVICE, STUN, false);
        Src fleet = src("Fleet", PolicyScope.DEVICE, ALLOWED, false, CLIENT_BURST, 10L);
        Src user = src("User", CLIENT, ALLOWED, true, CLIENT_BURST, 20L, CLIENT_RATE, 30L);
        Src region = src("Region", REGION, ALLOWED, true, CLIENT_RATE, 40L, STUN, true);
        Src regionUser = src("RegionUser", CLIENT, ALLOWED, false, CLIENT_RATE, 50L);
        return Stream.of(
                named("no sources", new Case(PolicyScope.DEVICE, List.of(), List.of(), List.of(), Map.of(), null)),
                named("one initial source", new Case(PolicyScope.DEVICE, List.of(a), List.of(), List.of("A"),
                        Map.of(BURST, List.of("A"), RATE, List.of("A")), "A")),
                named("many initial sources without conflicts", new Case(PolicyScope.DEVICE,
                        List.of(burst, rate, url), List.of(), List.of("Burst", "Rate", "Url"),
                        Map.of(BURST, List.of("Burst"), RATE, List.of("Rate"), URL, List.of("Url")), null)),
                named("many initial sources with conflicts: the name sorting later wins", new Case(PolicyScope.DEVICE,
                        List.of(a, b, c), List.of(), List.of("A", "B", "C"),
                        Map.of(BURST, List.of("C", "A"), RATE, List.of("B", "A")), null)),
                named("one added source", new Case(PolicyScope.DEVICE, List.of(), List.of(a), List.of("A"),
                        Map.of(BURST, List.of("A"), RATE, List.of("A")), "A")),
                named("mixed sources without conflicts", new Case(PolicyScope.DEVICE, List.of(burst, rate),
                        List.of(url, stun), List.of("Burst", "Rate", "Url", "Stun"), Map.of(BURST, List.of("Burst"),
                        RATE, List.of("Rate"), URL, List.of("Url"), STUN, List.of("Stun")), null)),
                named("mixed sources with conflicts: F over D over C over A", new Case(PolicyScope.DEVICE,
                        List.of(a, b, c), List.of(d, e, f), List.of("A", "B", "C", "D", "E", "F"),
                        Map.of(BURST, List.of("F", "D", "C", "A"), RATE, List.of("E", "B", "A")), null)),
                named("device and user: the device wins", new Case(CLIENT, List.of(user), List.of(fleet),
                        List.of("User", "Fleet"), Map.of(ALLOWED, List.of("Fleet", "User"),
                        CLIENT_BURST, List.of("Fleet", "User"), CLIENT_RATE, List.of("User")), null)),
                named("device, profile and user: the profile beats the user", new Case(REGION_CLIENT,
                        List.of(fleet), List.of(regionUser, region), List.of("Fleet", "RegionUser", "Region"),
                        Map.of(ALLOWED, List.of("Fleet", "Region", "RegionUser"), CLIENT_BURST, List.of("Fleet"),
                        CLIENT_RATE, List.of("Region", "RegionUser"), STUN, List.of("Region")), null)),
                named("a user source does not apply to the device policy", new Case(PolicyScope.DEVICE,
                        List.of(fleet), List.of(user), List.of("Fleet"),
                        Map.of(ALLOWED, List.of("Fleet"), CLIENT_BURST, List.of("Fleet")), "Fleet")),
                named("a profile source does not apply to another profile", new Case(PolicyScope.profile("us"),
                        List.of(region), List.of(stun), List.of("Stun"), Map.of(STUN, List.of("Stun")), "Stun")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void thePolicyShowsExactlyTheApplicableSourcesAndTheExpectedSnapshot(Case c) throws Exception {
        PolicyEngine engine = new EngineFixture().engine;
        Map<String, Src> byName = new HashMap<>();
        for (Src s : c.initial()) {
            register(engine, s, byName);
        }
        ResultantPolicy policy = engine.policyFor(c.target());
        for (Src s : c.added()) {
            register(engine, s, byName);
        }

        Map<SettingKey, SettingItem> items = new LinkedHashMap<>();
        c.precedence().forEach((key, names) -> {
            Src winner = byName.get(names.get(0));
            items.put(SettingKey.of(key), SettingItem.value(winner.values().get(key), winner.origin(),
                    PolicyLevel.MANDATORY));
        });
        Snapshot expected = Snapshot.of(items, c.target(), c.summary() == null ? null : byName.get(c.summary()).origin());
        assertThat(policy.snapshot()).isEqualTo(expected);
        assertThat(policy.snapshot()).hasToString(expected.toString());

        PolicyExplanation explanation = policy.explain();
        assertThat(explanation.scope()).isEqualTo(c.target());
        assertThat(explanation.generation()).isEqualTo(policy.generation());
        assertThat(explanation.sources()).containsExactlyInAnyOrderElementsOf(c.sources().stream()
                .map(name -> new SourceStatus(name, byName.get(name).scope(), 0, Optional.empty(), Optional.empty()))
                .toList());
        assertThat(explanation.settings()).<Object>extracting(s -> s.effective().definition())
                .containsExactlyElementsOf(RelaySettings.all());
        for (SettingExplanation setting : explanation.settings()) {
            SettingDefinition<?> definition = setting.effective().definition();
            List<String> names = c.precedence().getOrDefault(definition.key().name(), List.of());
            assertThat(setting.candidates()).as(definition.toString()).extracting(item -> item.origin().name())
                    .containsExactlyElementsOf(names);
            Effective<?> effective = setting.effective();
            if (names.isEmpty()) {
                assertThat(effective.provenance()).as(definition.toString()).isEqualTo(Provenance.DEFAULT);
                assertThat(effective.value()).isEqualTo(definition.defaultValue());
                assertThat(effective.origin()).isNull();
            } else {
                Src winner = byName.get(names.get(0));
                assertThat(effective.provenance()).as(definition.toString()).isEqualTo(Provenance.MANDATORY);
                assertThat(effective.value()).isEqualTo(winner.values().get(definition.key().name()));
                assertThat(effective.origin()).isEqualTo(winner.origin());
            }
            assertThat(effective.error()).isNull();
        }
    }

    static void register(PolicyEngine engine, Src s, Map<String, Src> byName) throws Exception {
        engine.register(s.name(), s.scope(), MemoryStore.ofMandatory(s.values()));
        byName.put(s.name(), s);
    }

    static Src src(String name, PolicyScope scope, Object... keysAndValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return new Src(name, scope, values);
    }

    static Arguments named(String name, Case c) {
        return Arguments.of(org.junit.jupiter.api.Named.of(name, c));
    }
}

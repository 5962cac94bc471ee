package dev.waystation.policy.setting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import dev.waystation.policy.rsop.DebounceDelays;
import dev.waystation.policy.rsop.Effective;
import dev.waystation.policy.rsop.FakeClock;
import dev.waystation.policy.rsop.PolicyEngine;
import dev.waystation.policy.rsop.Provenance;
import dev.waystation.policy.rsop.ResultantPolicy;
import dev.waystation.policy.source.MemoryStore;
import dev.waystation.policy.source.PolicyReadException;

/**
 * Property-based checks of the merge against a plainly written reference model: precedence by
 * scope and registration order, recommended against mandatory, associativity of the pairwise
 * merge where scopes are nested, and (through the engine) default fallback.
 */
class PolicyMergePropertiesTest {

    static final int KEYS = 4;
    static final PolicyScope TARGET = PolicyScope.parse("Profile(eu)/User(nodekey:01)");
    static final PolicyScope[] CONTAINING = {PolicyScope.DEVICE, PolicyScope.profile("eu"),
        PolicyScope.user("nodekey:01")};
    static final PolicyScope[] CHAIN = {PolicyScope.DEVICE, PolicyScope.CURRENT_PROFILE, PolicyScope.CURRENT_USER};

    /** One generated source: scope kind and which keys it sets at each level (bit masks). */
    record Spec(int kind, int mandatoryMask, int recommendedMask) {
    }

    static Gen<Spec> specs() {
        return integers().between(0, 2).zip(integers().between(0, (1 << KEYS) - 1),
                integers().between(0, (1 << KEYS) - 1), Spec::new);
    }

    @Test
    void resultantMatchesTheReferenceModel() {
        qt().withExamples(2000).forAll(lists().of(specs()).ofSizeBetween(0, 7)).checkAssert(specs -> {
            List<SourceSnapshot> sources = build(specs);
            Snapshot result = PolicyMerge.resultant(TARGET, sources);
            for (int k = 0; k < KEYS; k++) {
                SettingItem expected = reference(specs, sources, k);
                assertThat(result.get(key(k))).as("key %d of %s", k, specs).isEqualTo(expected);
            }
            assertThat(result.scope()).isEqualTo(TARGET);
            assertThat(result.size()).isLessThanOrEqualTo(KEYS);
        });
    }

    @Test
    void onlyTheOrderWithinAScopeKindMatters() {
        qt().forAll(lists().of(specs()).ofSizeBetween(0, 7)).checkAssert(specs -> {
            List<SourceSnapshot> sources = build(specs);
            // A stable regrouping by kind keeps the order within each kind and changes it across kinds.
            List<SourceSnapshot> regrouped = new ArrayList<>(sources);
            regrouped.sort((a, b) -> b.scope().kind().compareTo(a.scope().kind()));
            assertThat(PolicyMerge.resultant(TARGET, regrouped)).isEqualTo(PolicyMerge.resultant(TARGET, sources));
        });
    }

    /**
     * Holds when the arguments come from narrow to broad, the order the resultant merge uses. It
     * does not hold in general (see PolicyMergeTest#pairwiseMergeIsNotAssociativeInGeneral), which
     * is why the resultant merge sorts all sources once instead of folding pairwise.
     */
    @Test
    void pairwiseMergeIsAssociativeFromNarrowToBroad() {
        qt().forAll(specs(), specs(), specs()).checkAssert((x, y, z) -> {
            List<Spec> ordered = new ArrayList<>(List.of(x, y, z));
            ordered.sort((p, q) -> Integer.compare(q.kind(), p.kind()));
            Spec a = ordered.get(0);
            Spec b = ordered.get(1);
            Spec c = ordered.get(2);
            Snapshot sa = chainSnapshot("a", a);
            Snapshot sb = chainSnapshot("b", b);
            Snapshot sc = chainSnapshot("c", c);
            Snapshot left = PolicyMerge.merge(PolicyMerge.merge(sa, sb), sc);
            Snapshot right = PolicyMerge.merge(sa, PolicyMerge.merge(sb, sc));
            assertThat(left.equalItems(right)).as("%s %s %s", a, b, c).isTrue();
        });
    }

    @Test
    void pairwiseMergeWithoutScopesIsAssociativeAndLastWins() {
        qt().forAll(specs(), specs(), specs()).checkAssert((a, b, c) -> {
            Snapshot sa = plain("a", a.mandatoryMask());
            Snapshot sb = plain("b", b.mandatoryMask());
            Snapshot sc = plain("c", c.mandatoryMask());
            Snapshot left = PolicyMerge.merge(PolicyMerge.merge(sa, sb), sc);
            assertThat(left.equalItems(PolicyMerge.merge(sa, PolicyMerge.merge(sb, sc)))).isTrue();
            for (int k = 0; k < KEYS; k++) {
                SettingItem expected = sc.get(key(k)) != null ? sc.get(key(k))
                        : sb.get(key(k)) != null ? sb.get(key(k)) : sa.get(key(k));
                assertThat(left.get(key(k))).isEqualTo(expected);
            }
        });
    }

    /**
     * Default fallback, through the engine: a setting that no source configures at either level
     * reads its catalog default (provenance default, no origin, no item); a configured one reads
     * the reference model's winner. The catalog holds K0..K3 plus one never-configured key per type.
     */
    @Test
    void aSettingNoSourceConfiguresReadsItsCatalogDefault() {
        qt().withExamples(300).forAll(lists().of(specs()).ofSizeBetween(0, 5)).checkAssert(specs -> {
            PolicyEngine engine = new PolicyEngine(SettingRegistry.of(CATALOG), new FakeClock(), Runnable::run,
                    DebounceDelays.RELAY_DEFAULTS);
            List<SourceSnapshot> sources = build(specs);
            sources.forEach(source -> register(engine, source));
            ResultantPolicy policy = engine.policyFor(TARGET);
            for (int i = 0; i < CATALOG.size(); i++) {
                SettingDefinition<?> definition = CATALOG.get(i);
                SettingItem winner = i < KEYS ? reference(specs, sources, i) : null;
                Effective<?> effective = policy.effective(definition);
                if (winner == null) {
                    assertThat(policy.value(definition)).as("%s of %s", definition, specs)
                            .isEqualTo(definition.defaultValue());
                    assertThat(effective.provenance()).isEqualTo(Provenance.DEFAULT);
                    assertThat(effective.origin()).isNull();
                    assertThat(effective.error()).isNull();
                    assertThat(policy.snapshot().contains(definition.key())).isFalse();
                } else {
                    assertThat(policy.snapshot().get(definition.key())).as("%s of %s", definition, specs)
                            .isEqualTo(winner);
                    assertThat(policy.value(definition)).isEqualTo(winner.value());
                }
            }
            engine.close();
        });
    }

    static final List<SettingDefinition<?>> CATALOG = catalog();

    static List<SettingDefinition<?>> catalog() {
        List<SettingDefinition<?>> out = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            out.add(SettingDefinition.of(key(k).name(), ScopeKind.USER, SettingType.STRING, "default/" + k, ""));
        }
        out.add(SettingDefinition.of("Never.Flag", ScopeKind.USER, SettingType.BOOLEAN, true, ""));
        out.add(SettingDefinition.of("Never.Count", ScopeKind.USER, SettingType.UNSIGNED_INTEGER, 7L, ""));
        out.add(SettingDefinition.of("Never.Wait", ScopeKind.USER, SettingType.DURATION, Duration.ofSeconds(3), ""));
        out.add(SettingDefinition.of("Never.List", ScopeKind.USER, SettingType.STRING_LIST, List.of("d"), ""));
        return List.copyOf(out);
    }

    /** Registers a memory store holding {@code source}'s values under its name and scope. */
    static void register(PolicyEngine engine, SourceSnapshot source) {
        MemoryStore store = new MemoryStore();
        store.replace(raw(source.mandatory()), raw(source.recommended()));
        try {
            engine.register(source.origin().name(), source.scope(), store);
        } catch (PolicyReadException e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, Object> raw(Snapshot snapshot) {
        Map<String, Object> out = new LinkedHashMap<>();
        snapshot.items().forEach((key, item) -> out.put(key.name(), item.value()));
        return out;
    }

    /** Broadest mandatory wins, later within a kind; else narrowest recommended, later within a kind. */
    static SettingItem reference(List<Spec> specs, List<SourceSnapshot> sources, int k) {
        int bestKind = Integer.MAX_VALUE;
        SettingItem winner = null;
        for (int i = 0; i < specs.size(); i++) {
            if ((specs.get(i).mandatoryMask() & (1 << k)) != 0 && specs.get(i).kind() <= bestKind) {
                bestKind = specs.get(i).kind();
                winner = sources.get(i).mandatory().get(key(k));
            }
        }
        if (winner != null) {
            return winner;
        }
        bestKind = Integer.MIN_VALUE;
        for (int i = 0; i < specs.size(); i++) {
            if ((specs.get(i).recommendedMask() & (1 << k)) != 0 && specs.get(i).kind() >= bestKind) {
                bestKind = specs.get(i).kind();
                winner = sources.get(i).recommended().get(key(k));
            }
        }
        return winner;
    }

    static List<SourceSnapshot> build(List<Spec> specs) {
        List<SourceSnapshot> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Spec spec = specs.get(i);
            Origin origin = new Origin("s" + i, CONTAINING[spec.kind()]);
            out.add(new SourceSnapshot(origin, items(origin, PolicyLevel.MANDATORY, spec.mandatoryMask()),
                    items(origin, PolicyLevel.RECOMMENDED, spec.recommendedMask())));
        }
        return out;
    }

    static Snapshot items(Origin origin, PolicyLevel level, int mask) {
        Map<SettingKey, SettingItem> items = new LinkedHashMap<>();
        for (int k = 0; k < KEYS; k++) {
            if ((mask & (1 << k)) != 0) {
                items.put(key(k), SettingItem.value(origin.name() + "/" + k, origin, level));
            }
        }
        return Snapshot.of(items, origin.scope(), origin);
    }

    static Snapshot chainSnapshot(String name, Spec spec) {
        return items(new Origin(name, CHAIN[spec.kind()]), PolicyLevel.MANDATORY, spec.mandatoryMask());
    }

    static Snapshot plain(String name, int mask) {
        return items(new Origin(name, PolicyScope.DEVICE), PolicyLevel.MANDATORY, mask).withSummary(null, null);
    }

    static SettingKey key(int k) {
        return SettingKey.of("K" + k);
    }
}

package dev.waystation.policy.setting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The setting registry: registration, conflicts, freeze on first use (a late registration is refused, never lost). */
class SettingRegistryTest {

    static final SettingDefinition<Boolean> FLAG = SettingDefinition.of("A.Flag", ScopeKind.DEVICE,
            SettingType.BOOLEAN, false, "a flag");

    @Test
    void identicalReRegistrationIsHarmlessEvenWithAnotherDescription() {
        SettingRegistry registry = new SettingRegistry();
        registry.register(FLAG);
        registry.register(SettingDefinition.of("A.Flag", ScopeKind.DEVICE, SettingType.BOOLEAN, false, "same"));
        assertThat(registry.definitions()).containsExactly(FLAG);
        assertThat(registry.conflicts()).isEmpty();
    }

    @Test
    void conflictingRegistrationIsReportedOnFirstUseNotLater() {
        SettingRegistry registry = new SettingRegistry();
        registry.register(FLAG);
        registry.register(SettingDefinition.of("A.Flag", ScopeKind.USER, SettingType.BOOLEAN, false, ""));
        registry.register(SettingDefinition.of("A.Flag", ScopeKind.DEVICE, SettingType.STRING, "x", ""));
        assertThat(registry.conflicts()).hasSize(2);
        assertThatThrownBy(registry::definitions).isInstanceOf(DefinitionConflictException.class)
                .hasMessage("duplicate policy definition: \"A.Flag\" registered as Device(\"A.Flag\", Boolean) default false"
                        + " and as User(\"A.Flag\", Boolean) default false; duplicate policy definition: \"A.Flag\""
                        + " registered as Device(\"A.Flag\", Boolean) default false and as Device(\"A.Flag\", String) default x");
        assertThatThrownBy(() -> registry.definition("A.Flag")).isInstanceOf(DefinitionConflictException.class);
    }

    @Test
    void aDifferentDefaultIsAConflict() {
        SettingRegistry registry = SettingRegistry.of(List.of(FLAG,
                SettingDefinition.of("A.Flag", ScopeKind.DEVICE, SettingType.BOOLEAN, true, "")));
        assertThat(registry.conflicts()).singleElement().asString().contains("default false").contains("default true");
    }

    @Test
    void registrationAfterFirstUseFailsInsteadOfBeingLost() {
        SettingRegistry registry = SettingRegistry.of(List.of(FLAG));
        assertThat(registry.definition("A.Flag")).contains(FLAG);
        assertThat(registry.definition("Unknown")).isEmpty();
        assertThat(registry.definition("bad key!")).isEmpty();
        assertThatThrownBy(() -> registry.register(SettingDefinition.of("B", ScopeKind.DEVICE, SettingType.STRING,
                "", ""))).isInstanceOf(IllegalStateException.class)
                .hasMessage("policy definitions are already in use; cannot register Device(\"B\", String)");
    }

    @Test
    void concurrentRegistrationDuringFirstUseIsSerialisedOrRejectedNeverLost() throws Exception {
        for (int round = 0; round < 50; round++) {
            SettingRegistry registry = new SettingRegistry();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> registered = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                SettingDefinition<String> definition = SettingDefinition.of("K" + i, ScopeKind.DEVICE,
                        SettingType.STRING, "", "");
                registered.add(pool.submit(() -> {
                    start.await();
                    try {
                        registry.register(definition);
                        return true;
                    } catch (IllegalStateException rejected) {
                        return false;
                    }
                }));
            }
            Future<Integer> firstUse = pool.submit(() -> {
                start.await();
                return registry.definitions().size();
            });
            start.countDown();
            int accepted = 0;
            for (Future<Boolean> f : registered) {
                accepted += f.get() ? 1 : 0;
            }
            int seen = firstUse.get();
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).isEqualTo(accepted);
            assertThat(registry.definitions()).hasSize(accepted);
        }
    }

    @Test
    void keysAreValidated() {
        assertThat(SettingKey.problemWith("STUN.Enabled")).isNull();
        assertThat(SettingKey.problemWith("Root/Level1/Level2")).isNull();
        assertThat(SettingKey.problemWith("")).isEqualTo("a setting key must not be empty");
        assertThat(SettingKey.problemWith("Key Name")).contains("must consist of");
        assertThat(SettingKey.problemWith("Keyжname")).contains("must consist of");
        assertThat(SettingKey.problemWith("A..B")).contains("empty group");
        assertThat(SettingKey.problemWith("A.")).contains("empty group");
        assertThat(FLAG.toString()).isEqualTo("Device(\"A.Flag\", Boolean)");
    }
}

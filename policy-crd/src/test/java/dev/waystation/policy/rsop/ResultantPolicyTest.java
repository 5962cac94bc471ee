package dev.waystation.policy.rsop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.ErrorCode;
import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.SettingKey;
import dev.waystation.policy.setting.Snapshot;
import dev.waystation.policy.source.MemoryStore;
import dev.waystation.policy.source.PolicyReadException;

/** Which sources feed which scope, precedence, reloads, listeners and lifetimes of the engine's resultant policies. */
class ResultantPolicyTest {

    static final PolicyScope REGION = PolicyScope.profile("eu");
    static final PolicyScope CLIENT = PolicyScope.user("nodekey:01");

    final EngineFixture fixture = new EngineFixture();
    final PolicyEngine engine = fixture.engine;

    @Test
    void policiesAreCreatedLazilyOncePerScope() {
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        assertThat(engine.policyFor(PolicyScope.DEVICE)).isSameAs(device);
        assertThat(engine.policyFor(CLIENT)).isNotSameAs(engine.policyFor(PolicyScope.user("nodekey:02")));
        assertThat(device.snapshot().isEmpty()).isTrue();
        assertThat(device.snapshot().scope()).isEqualTo(PolicyScope.DEVICE);
        assertThat(device.value(RelaySettings.STUN_ENABLED)).isTrue();
        assertThat(device.effective(RelaySettings.STUN_ENABLED).provenance()).isEqualTo(Provenance.DEFAULT);
    }

    @Test
    void sourcesFeedExactlyTheScopesTheyContain() throws Exception {
        engine.register("fleet", PolicyScope.DEVICE, store("Admission.AcceptBurst", 1L));
        engine.register("eu", REGION, store("Admission.AcceptRatePerSecond", 2L));
        engine.register("us", PolicyScope.profile("us"), store("Admission.AcceptRatePerSecond", 3L));
        engine.register("client", CLIENT, store("Client.RateBurstBytes", 4L));
        ResultantPolicy eu = engine.policyFor(REGION);
        assertThat(eu.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(1L);
        assertThat(eu.value(RelaySettings.ADMISSION_ACCEPT_RATE_PER_SECOND)).isEqualTo(2L);
        assertThat(eu.value(RelaySettings.CLIENT_RATE_BURST_BYTES)).isZero();
        ResultantPolicy client = engine.policyFor(CLIENT);
        assertThat(client.value(RelaySettings.CLIENT_RATE_BURST_BYTES)).isEqualTo(4L);
        assertThat(client.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(1L);
        assertThat(client.value(RelaySettings.ADMISSION_ACCEPT_RATE_PER_SECOND)).isZero();
        assertThat(engine.policyFor(PolicyScope.parse("Profile(eu)/User(nodekey:01)"))
                .value(RelaySettings.ADMISSION_ACCEPT_RATE_PER_SECOND)).isEqualTo(2L);
    }

    @Test
    void broaderScopeWinsAndTheLaterNameWinsWithinAScope() throws Exception {
        ResultantPolicy client = engine.policyFor(CLIENT);
        engine.register("user", CLIENT, store("Client.Allowed", true));
        engine.register("a", PolicyScope.DEVICE, store("Client.Allowed", false, "Client.RateBurstBytes", 1L));
        engine.register("c", PolicyScope.DEVICE, store("Client.RateBurstBytes", 3L));
        assertThat(client.value(RelaySettings.CLIENT_ALLOWED)).isFalse();
        assertThat(client.value(RelaySettings.CLIENT_RATE_BURST_BYTES)).isEqualTo(3L);
        assertThat(client.effective(RelaySettings.CLIENT_RATE_BURST_BYTES).origin().name()).isEqualTo("c");
    }

    @Test
    void aHigherPriorityWinsWhateverTheName() throws Exception {
        engine.register("important", PolicyScope.DEVICE, 5, store("Admission.AcceptBurst", 9L));
        engine.register("later", PolicyScope.DEVICE, 0, store("Admission.AcceptBurst", 1L));
        assertThat(engine.policyFor(PolicyScope.DEVICE).value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(9L);
        assertThat(engine.sources()).extracting(SourceStatus::name).containsExactly("later", "important");
    }

    @Test
    void anErrorItemAtABroaderScopeMasksTheNarrowerValueAndReadsGiveTheDefault() throws Exception {
        engine.register("user", CLIENT, store("Client.RateBurstBytes", 100L));
        engine.register("device", PolicyScope.DEVICE, store("Client.RateBurstBytes", "lots"));
        ResultantPolicy client = engine.policyFor(CLIENT);
        Effective<Long> effective = client.effective(RelaySettings.CLIENT_RATE_BURST_BYTES);
        assertThat(effective.value()).isZero();
        assertThat(effective.provenance()).isEqualTo(Provenance.DEFAULT);
        assertThat(effective.error().code()).isEqualTo(ErrorCode.TYPE_MISMATCH);
        assertThat(effective.error().message()).isEqualTo("type mismatch: want an unsigned integer, got string \"lots\"");
        assertThat(effective.origin().name()).isEqualTo("device");
        assertThat(client.value(RelaySettings.CLIENT_RATE_BURST_BYTES)).isZero();
    }

    @Test
    void recommendedValuesYieldToAnyMandatoryValueAndNarrowerRecommendedWins() throws Exception {
        MemoryStore fleet = new MemoryStore();
        fleet.setRecommended("STUN.Enabled", false);
        fleet.setRecommended("Admission.AcceptBurst", 10L);
        MemoryStore region = new MemoryStore();
        region.setRecommended("Admission.AcceptBurst", 20L);
        region.setMandatory("STUN.AnswerAllClients", false);
        MemoryStore fleetMandatory = MemoryStore.ofMandatory(Map.of("STUN.AnswerAllClients", true));
        engine.register("fleet", PolicyScope.DEVICE, fleet);
        engine.register("region", REGION, region);
        ResultantPolicy eu = engine.policyFor(REGION);
        assertThat(eu.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(20L);
        assertThat(eu.effective(RelaySettings.ADMISSION_ACCEPT_BURST).provenance()).isEqualTo(Provenance.RECOMMENDED);
        assertThat(eu.value(RelaySettings.STUN_ENABLED)).isFalse();
        assertThat(eu.value(RelaySettings.STUN_ANSWER_ALL_CLIENTS)).isFalse();
        engine.register("fleet-mandatory", PolicyScope.DEVICE, fleetMandatory);
        assertThat(eu.value(RelaySettings.STUN_ANSWER_ALL_CLIENTS)).isTrue();
        assertThat(eu.effective(RelaySettings.STUN_ANSWER_ALL_CLIENTS).provenance()).isEqualTo(Provenance.MANDATORY);
        assertThat(engine.policyFor(PolicyScope.DEVICE).value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(10L);
    }

    @Test
    void theFirstLoadFiresNothingAndEveryChangeCarriesOldNewAndChangedKeys() throws Exception {
        MemoryStore store = store("Admission.AcceptBurst", 1L);
        List<PolicyChange> changes = new CopyOnWriteArrayList<>();
        ResultantPolicy device = subscribedDevice(store, changes);
        assertThat(changes).isEmpty();
        store.setMandatory("Admission.AcceptBurst", 2L);
        store.setMandatory("STUN.Enabled", "maybe");
        fixture.clock.advanceMillis(200);
        assertThat(changes).singleElement().satisfies(change -> {
            assertThat(change.generation()).isEqualTo(1);
            assertThat(change.changedKeys()).containsExactlyInAnyOrder(SettingKey.of("Admission.AcceptBurst"),
                    SettingKey.of("STUN.Enabled"));
            assertThat(change.oldSnapshot().get(SettingKey.of("Admission.AcceptBurst")).value()).isEqualTo(1L);
            assertThat(change.newSnapshot().get(SettingKey.of("Admission.AcceptBurst")).value()).isEqualTo(2L);
            assertThat(change.hasValueChanged(SettingKey.of("STUN.Enabled"))).isFalse();
            assertThat(change.hasChanged(RelaySettings.STUN_ENABLED)).isTrue();
        });
        store.setMandatory("STUN.Enabled", "never");
        fixture.clock.advanceMillis(200);
        assertThat(changes).hasSize(2);
        assertThat(changes.get(1).changedKeys()).containsExactly(SettingKey.of("STUN.Enabled"));
        assertThat(device.generation()).isEqualTo(2);
    }

    @Test
    void anOriginOnlyChangeIsAChangeOfThatKey() throws Exception {
        MemoryStore a = store("Admission.AcceptBurst", 1L);
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        engine.register("a", PolicyScope.DEVICE, a);
        List<PolicyChange> changes = new CopyOnWriteArrayList<>();
        device.subscribe(changes::add);
        engine.register("b", PolicyScope.DEVICE, store("Admission.AcceptBurst", 1L));
        assertThat(changes).singleElement().satisfies(change -> {
            assertThat(change.changedKeys()).containsExactly(SettingKey.of("Admission.AcceptBurst"));
            assertThat(change.hasValueChanged(SettingKey.of("Admission.AcceptBurst"))).isFalse();
        });
    }

    @Test
    void aShadowedSourceChangesTheSummaryButFiresNoEvent() throws Exception {
        engine.register("fleet", PolicyScope.DEVICE, store("Admission.AcceptBurst", 1L));
        ResultantPolicy eu = engine.policyFor(REGION);
        List<PolicyChange> changes = new CopyOnWriteArrayList<>();
        eu.subscribe(changes::add);
        assertThat(eu.snapshot().origin().name()).isEqualTo("fleet");
        engine.register("region", REGION, store("Admission.AcceptBurst", 2L));
        assertThat(eu.snapshot().origin()).isNull();
        assertThat(eu.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(1L);
        assertThat(changes).isEmpty();
        assertThat(eu.generation()).isZero();
    }

    /** Identity stability: an unchanged reload keeps the identical snapshot objects, generation and silence. */
    @Test
    void aReloadThatChangesNothingKeepsTheSameSnapshotObjectAndFiresNothing() throws Exception {
        MemoryStore store = store("Admission.AcceptBurst", 1L);
        List<PolicyChange> changes = new CopyOnWriteArrayList<>();
        ResultantPolicy device = subscribedDevice(store, changes);
        Snapshot before = device.snapshot();
        Object readerBefore = engine.sourcesFor(PolicyScope.DEVICE).get(0).reader().snapshot();
        int reloads = fixture.reloadsAt.size();
        int reads = store.reads("Admission.AcceptBurst");

        assertThat(device.reload()).isSameAs(before);
        store.notifyChanged();
        fixture.clock.advanceMillis(200);
        store.setMandatory("Admission.AcceptBurst", 1L);
        fixture.clock.advanceMillis(200);
        engine.register("t-empty", PolicyScope.DEVICE, new MemoryStore());

        assertThat(fixture.reloadsAt).hasSize(reloads + 4);
        assertThat(store.reads("Admission.AcceptBurst")).isEqualTo(reads + 6);
        assertThat(device.snapshot()).isSameAs(before);
        assertThat(engine.sourcesFor(PolicyScope.DEVICE).get(0).reader().snapshot()).isSameAs(readerBefore);
        assertThat(device.generation()).isZero();
        assertThat(changes).isEmpty();
    }

    @Test
    void aFailingListenerHarmsNoOther() throws Exception {
        MemoryStore store = store("Admission.AcceptBurst", 1L);
        engine.register("s", PolicyScope.DEVICE, store);
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        List<Long> seen = new CopyOnWriteArrayList<>();
        device.subscribe(change -> {
            throw new IllegalStateException("listener bug");
        });
        device.subscribe(change -> seen.add(change.generation()));
        store.setMandatory("Admission.AcceptBurst", 2L);
        fixture.clock.advanceMillis(200);
        store.setMandatory("Admission.AcceptBurst", 3L);
        fixture.clock.advanceMillis(200);
        assertThat(seen).containsExactly(1L, 2L);
    }

    @Test
    void aFailedPassKeepsTheLastGoodSnapshotAndShowsTheError() throws Exception {
        FlakyStore store = new FlakyStore();
        store.setMandatory("Admission.AcceptBurst", 7L);
        engine.register("flaky", PolicyScope.DEVICE, store);
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        store.failLock = true;
        store.setMandatory("Admission.AcceptBurst", 8L);
        fixture.clock.advanceMillis(200);
        assertThat(device.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(7L);
        assertThat(device.healthy()).isFalse();
        assertThat(device.reload().get(SettingKey.of("Admission.AcceptBurst")).value()).isEqualTo(7L);
        assertThat(engine.sources()).singleElement().satisfies(s -> assertThat(s.failure()).contains("disk on fire"));
        store.failLock = false;
        device.reload();
        assertThat(device.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(8L);
        assertThat(device.healthy()).isTrue();
        assertThat(engine.sources().get(0).healthy()).isTrue();
    }

    @Test
    void aStoreThatFailsItsFirstReadIsNotRegisteredAtAll() {
        FlakyStore store = new FlakyStore();
        store.failLock = true;
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        assertThatThrownBy(() -> engine.register("flaky", PolicyScope.DEVICE, store))
                .isInstanceOf(PolicyReadException.class).hasMessage("disk on fire");
        assertThat(engine.sources()).isEmpty();
        assertThat(store.subscribers()).isZero();
        assertThat(device.snapshot().isEmpty()).isTrue();
    }

    @Test
    void aClosedStoreCannotRegisterAndAnExpiringOneLeavesEveryPolicy() throws Exception {
        MemoryStore closed = new MemoryStore();
        closed.close();
        assertThatThrownBy(() -> engine.register("closed", PolicyScope.DEVICE, closed))
                .isInstanceOf(PolicyReadException.class).hasMessage("the policy store has been closed");
        MemoryStore expiring = store("Admission.AcceptBurst", 5L);
        engine.register("expiring", PolicyScope.DEVICE, expiring);
        ResultantPolicy eu = engine.policyFor(REGION);
        assertThat(eu.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(5L);
        expiring.close();
        assertThat(engine.sources()).isEmpty();
        assertThat(eu.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isZero();
        assertThat(engine.policyFor(REGION)).isSameAs(eu);
        assertThat(engine.policyFor(PolicyScope.DEVICE).snapshot().isEmpty()).isTrue();
    }

    @Test
    void replaceIsAtomicKeepsThePositionAndIsOneShot() throws Exception {
        ResultantPolicy live = engine.policyFor(PolicyScope.DEVICE);
        SourceRegistration first = engine.register("first", PolicyScope.DEVICE, store("Admission.AcceptBurst", 1L));
        engine.register("second", PolicyScope.DEVICE, store("Admission.AcceptBurst", 2L));
        SourceRegistration replaced = first.replace(store("Admission.AcceptBurst", 3L,
                "Admission.AcceptRatePerSecond", 3L));
        assertThat(live.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(2L);
        assertThat(live.value(RelaySettings.ADMISSION_ACCEPT_RATE_PER_SECOND)).isEqualTo(3L);
        ResultantPolicy later = engine.policyFor(REGION);
        assertThat(later.value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(2L);
        assertThat(engine.sources()).extracting(SourceStatus::name).containsExactly("first", "second");
        assertThatThrownBy(() -> first.replace(new MemoryStore())).isInstanceOf(RegistrationConsumedException.class)
                .hasMessage("the store registration is no longer valid");
        first.unregister();
        assertThat(engine.sources()).hasSize(2);
        replaced.unregister();
        replaced.unregister();
        assertThat(engine.sources()).extracting(SourceStatus::name).containsExactly("second");
    }

    @Test
    void aFailingReplacementLeavesTheOldStoreAndAUsableHandle() throws Exception {
        SourceRegistration handle = engine.register("s", PolicyScope.DEVICE, store("Admission.AcceptBurst", 1L));
        FlakyStore broken = new FlakyStore();
        broken.failLock = true;
        assertThatThrownBy(() -> handle.replace(broken)).isInstanceOf(PolicyReadException.class);
        assertThat(engine.policyFor(PolicyScope.DEVICE).value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(1L);
        assertThat(handle.isActive()).isTrue();
        handle.replace(store("Admission.AcceptBurst", 2L));
        assertThat(engine.policyFor(PolicyScope.DEVICE).value(RelaySettings.ADMISSION_ACCEPT_BURST)).isEqualTo(2L);
    }

    @Test
    void unregisteringAndClosingTheEngineNeverCloseTheStoreButStopListening() throws Exception {
        MemoryStore store = store("Admission.AcceptBurst", 1L);
        SourceRegistration handle = engine.register("s", PolicyScope.DEVICE, store);
        engine.policyFor(PolicyScope.DEVICE);
        assertThat(store.subscribers()).isEqualTo(1);
        handle.unregister();
        assertThat(store.subscribers()).isZero();
        assertThat(store.expiry().toCompletableFuture()).isNotDone();
        assertThat(engine.policyFor(PolicyScope.DEVICE).snapshot().isEmpty()).isTrue();
        MemoryStore other = store("Admission.AcceptBurst", 1L);
        engine.register("o", PolicyScope.DEVICE, other);
        engine.close();
        assertThat(other.subscribers()).isZero();
        assertThat(other.expiry().toCompletableFuture()).isNotDone();
        assertThatThrownBy(() -> engine.register("late", PolicyScope.DEVICE, new MemoryStore()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void readerReadsEachConfigurableSettingOncePerPassAndNeverFromCache() throws Exception {
        MemoryStore device = new MemoryStore();
        MemoryStore region = new MemoryStore();
        MemoryStore client = new MemoryStore();
        engine.register("d", PolicyScope.DEVICE, device);
        engine.register("p", REGION, region);
        engine.register("u", CLIENT, client);
        // Two levels per setting: every configurable setting is read twice per pass.
        assertThat(RelaySettings.all()).allSatisfy(d -> assertThat(device.reads(d.key().name())).isEqualTo(2));
        assertThat(region.reads("STUN.Enabled")).isEqualTo(2);
        assertThat(region.reads("Client.Allowed")).isEqualTo(2);
        assertThat(client.reads("Client.Allowed")).isEqualTo(2);
        assertThat(client.reads("STUN.Enabled")).isZero();
        ResultantPolicy policy = engine.policyFor(PolicyScope.parse("Profile(eu)/User(nodekey:01)"));
        for (int i = 0; i < 100; i++) {
            policy.snapshot();
            policy.value(RelaySettings.CLIENT_ALLOWED);
            engine.policyFor(REGION);
        }
        assertThat(device.reads("STUN.Enabled")).isEqualTo(2);
        policy.reload();
        assertThat(device.reads("STUN.Enabled")).isEqualTo(4);
        client.setMandatory("Client.Allowed", false);
        fixture.clock.advanceMillis(200);
        assertThat(client.reads("Client.Allowed")).isEqualTo(6);
        assertThat(device.reads("STUN.Enabled")).isEqualTo(4);
    }

    @Test
    void perItemReadErrorsKeepTheirCodeAndText() throws Exception {
        MemoryStore store = new MemoryStore();
        store.set(PolicyLevel.MANDATORY, "STUN.Enabled", new PolicyReadException(ErrorCode.READ_FAILED, "bang!"));
        engine.register("s", PolicyScope.DEVICE, store);
        Effective<Boolean> effective = engine.policyFor(PolicyScope.DEVICE).effective(RelaySettings.STUN_ENABLED);
        assertThat(effective.error().code()).isEqualTo(ErrorCode.READ_FAILED);
        assertThat(effective.error().message()).isEqualTo("bang!");
        assertThat(effective.value()).isTrue();
    }

    /** Registers {@code store} as source "s" at Device; the device policy's changes go to {@code changes}. */
    ResultantPolicy subscribedDevice(MemoryStore store, List<PolicyChange> changes) throws Exception {
        engine.register("s", PolicyScope.DEVICE, store);
        ResultantPolicy device = engine.policyFor(PolicyScope.DEVICE);
        device.subscribe(changes::add);
        return device;
    }

    static MemoryStore store(Object... keysAndValues) {
        MemoryStore store = new MemoryStore();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            store.setMandatory((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return store;
    }
}

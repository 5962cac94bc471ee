package dev.waystation.policy.rsop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.ScopeKind;
import dev.waystation.policy.source.MemoryStore;
import dev.waystation.policy.source.Subscription;

/**
 * Members no narrower source names share the base's resultant policy; a named member has its own,
 * for as long as it is bound; per-member state lives exactly as long as its bindings.
 */
class MemberPoliciesTest {

    static final String REGION = "eu";
    static final PolicyScope BASE = PolicyScope.profile(REGION);

    final EngineFixture fixture = new EngineFixture();
    final PolicyEngine engine = fixture.engine;
    final MemoryStore fleet = MemoryStore.ofMandatory(Map.of("Client.RateLimitBytesPerSecond", 100L));
    MemberPolicies<Long> members;

    void start() throws Exception {
        engine.register("fleet", PolicyScope.DEVICE, fleet);
        members = new MemberPolicies<>(engine, BASE, MemberPoliciesTest::scope,
                snapshot -> snapshot.value(RelaySettings.CLIENT_RATE_LIMIT_BYTES_PER_SECOND));
    }

    @AfterEach
    void stop() {
        if (members != null) {
            members.close();
        }
        engine.close();
    }

    static PolicyScope scope(String key) {
        return new PolicyScope(ScopeKind.USER, REGION, key);
    }

    /** Live resultant policies other than the base's. */
    List<PolicyScope> ownPolicies() {
        return engine.policies().stream().map(ResultantPolicy::scope).filter(s -> !s.equals(BASE)).toList();
    }

    @Test
    void unnamedMembersShareOneMergeAndEachHearsEveryChange() throws Exception {
        start();
        List<Long> a = new CopyOnWriteArrayList<>();
        List<Long> b = new CopyOnWriteArrayList<>();
        members.bind("a", a::add);
        members.bind("b", b::add);

        fleet.setMandatory("Client.RateLimitBytesPerSecond", 200L);
        fixture.clock.advanceMillis(200);

        assertThat(a).containsExactly(100L, 200L);
        assertThat(b).containsExactly(100L, 200L);
        assertThat(ownPolicies()).isEmpty();
        assertThat(members.ownPolicies()).isZero();
    }

    @Test
    void aMemberNamedByAUserSourceSwitchesToItsOwnPolicyAndBack() throws Exception {
        start();
        List<Long> a = new CopyOnWriteArrayList<>();
        List<Long> b = new CopyOnWriteArrayList<>();
        members.bind("a", a::add);
        members.bind("b", b::add);

        SourceRegistration user = engine.register("user-a", PolicyScope.user("a"),
                MemoryStore.ofMandatory(Map.of("Client.RateLimitBytesPerSecond", 5L)));
        // Mandatory: the broader scope wins, so the Device value still holds; the member now has its own policy.
        assertThat(members.ownPolicies()).isEqualTo(1);
        assertThat(ownPolicies()).containsExactly(scope("a"));
        fleet.setMandatory("Client.RateLimitBytesPerSecond", null);
        fixture.clock.advanceMillis(200);

        assertThat(a).containsExactly(100L, 5L);
        assertThat(b).containsExactly(100L, 0L);

        user.unregister();
        assertThat(a).containsExactly(100L, 5L, 0L);
        assertThat(members.ownPolicies()).isZero();
        assertThat(ownPolicies()).isEmpty();
    }

    @Test
    void perMemberStateIsDroppedWithTheLastBinding() throws Exception {
        start();
        engine.register("user-a", PolicyScope.user("a"),
                MemoryStore.ofMandatory(Map.of("Client.RateBurstBytes", 7L)));
        Subscription first = members.bind("a", value -> { });
        Subscription second = members.bind("a", value -> { });
        assertThat(ownPolicies()).containsExactly(scope("a"));

        first.close();
        assertThat(members.boundMembers()).isEqualTo(1);
        assertThat(ownPolicies()).containsExactly(scope("a"));
        second.close();
        second.close();

        assertThat(members.boundMembers()).isZero();
        assertThat(ownPolicies()).isEmpty();
    }

    /** Admission asks about keys that may never connect (or close mid-check): no state may stay. */
    @Test
    void aOneOffQuestionLeavesNoState() throws Exception {
        start();
        engine.register("user-a", PolicyScope.user("a"),
                MemoryStore.ofMandatory(Map.of("Client.RateLimitBytesPerSecond", 5L)));
        fleet.setMandatory("Client.RateLimitBytesPerSecond", null);
        fixture.clock.advanceMillis(200);

        for (int i = 0; i < 1000; i++) {
            assertThat(members.current("a")).isEqualTo(5L);
            assertThat(members.current("k" + i)).isZero();
        }

        assertThat(members.boundMembers()).isZero();
        assertThat(ownPolicies()).isEmpty();
    }

    @Test
    void aChangeDuringTheFirstDeliveryReachesTheMemberAfterIt() throws Exception {
        start();
        List<Long> seen = new CopyOnWriteArrayList<>();
        members.bind("a", value -> {
            seen.add(value);
            if (seen.size() == 1) {
                fleet.setMandatory("Client.RateLimitBytesPerSecond", 300L);
                fixture.clock.advanceMillis(200);
            }
        });
        assertThat(seen).containsExactly(100L, 300L);
    }
}

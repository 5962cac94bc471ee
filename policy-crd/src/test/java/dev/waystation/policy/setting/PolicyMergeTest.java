package dev.waystation.policy.setting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The merge: broader scope wins mandatory values, error items take part, summaries, Tailscale's pairwise merge, and the recommended level. */
class PolicyMergeTest {

    static final PolicyScope USER_X = PolicyScope.user("nodekey:01");
    static final PolicyScope REGION = PolicyScope.profile("eu");

    // ---- Tailscale's pairwise MergeSnapshots table (3.5) ----

    @Test
    void pairwiseMergeOfEmptiesAndNulls() {
        Snapshot items = Items.plain("1", 123L, "2", "String", "3", true);
        assertThat(PolicyMerge.merge(null, null)).isEqualTo(Snapshot.EMPTY);
        assertThat(PolicyMerge.merge(Snapshot.EMPTY, items).equalItems(items)).isTrue();
        assertThat(PolicyMerge.merge(items, null)).isSameAs(items);
        assertThat(PolicyMerge.merge(items, Snapshot.EMPTY)).isSameAs(items);
    }

    @Test
    void pairwiseMergeWithoutScopesLetsTheSecondWin() {
        Snapshot merged = PolicyMerge.merge(Items.plain("1", 123L, "2", "String", "3", true),
                Items.plain("1", 456L, "3", false, "4", Duration.ofHours(2)));
        assertThat(merged.equalItems(Items.plain("1", 456L, "2", "String", "3", false, "4", Duration.ofHours(2))))
                .isTrue();
    }

    @Test
    void pairwiseMergeLetsTheBroaderScopeWinInEitherOrder() {
        Snapshot device = Items.of(PolicyScope.DEVICE, null, "1", 123L, "2", "String", "3", true);
        Snapshot user = Items.of(PolicyScope.CURRENT_USER, null, "1", 456L, "3", false, "4", "2h");
        Snapshot expected = Items.of(PolicyScope.CURRENT_USER, null, "1", 123L, "2", "String", "3", true, "4", "2h");
        assertThat(PolicyMerge.merge(device, user)).isEqualTo(expected);
        assertThat(PolicyMerge.merge(user, device)).isEqualTo(expected);
    }

    @Test
    void pairwiseMergeWithEmptySidesKeepsSummaries() {
        Origin origin = new Origin("TestPolicy", PolicyScope.DEVICE);
        Snapshot emptyUser = Snapshot.of(Map.of(), PolicyScope.CURRENT_USER, null);
        Snapshot deviceItems = Items.of(PolicyScope.DEVICE, origin, "1", 1L);
        Snapshot bothEmpty = PolicyMerge.merge(emptyUser, Snapshot.of(Map.of(), PolicyScope.DEVICE, null));
        assertThat(bothEmpty.isEmpty()).isTrue();
        assertThat(bothEmpty.scope()).isEqualTo(PolicyScope.CURRENT_USER);
        Snapshot firstEmpty = PolicyMerge.merge(emptyUser, deviceItems);
        assertThat(firstEmpty.scope()).isEqualTo(PolicyScope.CURRENT_USER);
        assertThat(firstEmpty.origin()).isEqualTo(origin);
        Snapshot userItems = Items.of(PolicyScope.CURRENT_USER, null, "1", 1L);
        assertThat(PolicyMerge.merge(userItems, Snapshot.EMPTY)).isSameAs(userItems);
    }

    /**
     * Found by PolicyMergePropertiesTest: the merged summary takes the narrower scope, so folding
     * pairwise in another order can let a Profile value beat a Device value.
     */
    @Test
    void pairwiseMergeIsNotAssociativeInGeneral() {
        Snapshot user = Items.of(PolicyScope.CURRENT_USER, null, "K", "user");
        Snapshot device = Items.of(PolicyScope.DEVICE, null, "K", "device");
        Snapshot profile = Items.of(PolicyScope.CURRENT_PROFILE, null, "K", "profile");
        Snapshot left = PolicyMerge.merge(PolicyMerge.merge(user, device), profile);
        Snapshot right = PolicyMerge.merge(user, PolicyMerge.merge(device, profile));
        assertThat(right.get(key("K")).value()).isEqualTo("device");
        assertThat(left.get(key("K")).value()).isEqualTo("profile");
        SourceSnapshot[] sources = {new SourceSnapshot(origin("u", PolicyScope.CURRENT_USER), user, null),
            new SourceSnapshot(origin("d", PolicyScope.DEVICE), device, null),
            new SourceSnapshot(origin("p", PolicyScope.CURRENT_PROFILE), profile, null)};
        assertThat(PolicyMerge.resultant(PolicyScope.CURRENT_USER, List.of(sources)).get(key("K")).value())
                .isEqualTo("device");
    }

    // ---- resultant merge ----

    @Test
    void mandatoryBroaderScopeWinsAndLaterRegisteredWinsWithinAScope() {
        SourceSnapshot deviceA = mandatory("A", PolicyScope.DEVICE, "K", "a", "Only.A", "a");
        SourceSnapshot user = mandatory("U", USER_X, "K", "u", "User.Only", "u");
        SourceSnapshot profile = mandatory("P", REGION, "K", "p", "P.Only", "p");
        SourceSnapshot deviceC = mandatory("C", PolicyScope.DEVICE, "K", "c");
        Snapshot result = PolicyMerge.resultant(USER_X, List.of(deviceA, user, profile, deviceC));
        assertThat(result.get(key("K")).value()).isEqualTo("c");
        assertThat(result.get(key("K")).origin().name()).isEqualTo("C");
        assertThat(result.get(key("Only.A")).value()).isEqualTo("a");
        assertThat(result.get(key("P.Only")).value()).isEqualTo("p");
        assertThat(result.get(key("User.Only")).value()).isEqualTo("u");
        assertThat(result.scope()).isEqualTo(USER_X);
        assertThat(result.origin()).isNull();
        Snapshot profileOverUser = PolicyMerge.resultant(USER_X, List.of(profile, user));
        assertThat(profileOverUser.get(key("K")).value()).isEqualTo("p");
    }

    @Test
    void anErrorAtABroaderScopeMasksANarrowerValue() {
        SourceSnapshot device = new SourceSnapshot(origin("D", PolicyScope.DEVICE), Snapshot.of(Map.of(key("K"),
                SettingItem.error(new SettingError(ErrorCode.TYPE_MISMATCH, "type mismatch"), origin("D",
                        PolicyScope.DEVICE), PolicyLevel.MANDATORY))), null);
        SourceSnapshot user = mandatory("U", USER_X, "K", true);
        SettingItem winner = PolicyMerge.resultant(USER_X, List.of(user, device)).get(key("K"));
        assertThat(winner.isError()).isTrue();
        assertThat(winner.origin().name()).isEqualTo("D");
    }

    @Test
    void recommendedAppliesOnlyWithoutAnyMandatoryValueAndThereTheNarrowerScopeWins() {
        SourceSnapshot device = recommended("D", PolicyScope.DEVICE, "K", "d", "R", "d");
        SourceSnapshot profile = recommended("P", REGION, "R", "p");
        SourceSnapshot userMandatory = mandatory("UM", USER_X, "K", "user-mandatory");
        SourceSnapshot userRecommended = recommended("UR", USER_X, "R", "user-recommended");
        Snapshot result = PolicyMerge.resultant(USER_X, List.of(userRecommended, device, profile, userMandatory));
        assertThat(result.get(key("K")).value()).isEqualTo("user-mandatory");
        assertThat(result.get(key("K")).level()).isEqualTo(PolicyLevel.MANDATORY);
        assertThat(result.get(key("R")).value()).isEqualTo("user-recommended");
        assertThat(result.get(key("R")).level()).isEqualTo(PolicyLevel.RECOMMENDED);
        assertThat(PolicyMerge.candidates(key("R"), List.of(userRecommended, device, profile)))
                .extracting(item -> item.origin().name()).containsExactly("UR", "P", "D");
        assertThat(PolicyMerge.candidates(key("K"), List.of(userRecommended, device, profile, userMandatory)))
                .extracting(item -> item.origin().name()).containsExactly("UM", "D");
    }

    @Test
    void summaryHasTheOriginOnlyWithExactlyOneContributor() {
        SourceSnapshot device = mandatory("D", PolicyScope.DEVICE, "K", 1L);
        Snapshot one = PolicyMerge.resultant(PolicyScope.CURRENT_USER, List.of(device,
                SourceSnapshot.empty(origin("E", PolicyScope.CURRENT_USER))));
        assertThat(one.scope()).isEqualTo(PolicyScope.CURRENT_USER);
        assertThat(one.origin()).isEqualTo(origin("D", PolicyScope.DEVICE));
        Snapshot none = PolicyMerge.resultant(REGION, List.of());
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.scope()).isEqualTo(REGION);
    }

    @Test
    void candidatesListTheWinnerThenShadowedInFallingPrecedence() {
        SourceSnapshot a = mandatory("A", PolicyScope.DEVICE, "K", "a");
        SourceSnapshot b = mandatory("B", PolicyScope.DEVICE, "K", "b");
        SourceSnapshot u = mandatory("U", USER_X, "K", "u");
        assertThat(PolicyMerge.candidates(key("K"), List.of(a, u, b))).extracting(SettingItem::value)
                .containsExactly("b", "a", "u");
    }

    static SettingKey key(String name) {
        return SettingKey.of(name);
    }

    static Origin origin(String name, PolicyScope scope) {
        return new Origin(name, scope);
    }

    static SourceSnapshot mandatory(String name, PolicyScope scope, Object... kv) {
        return new SourceSnapshot(origin(name, scope), level(name, scope, PolicyLevel.MANDATORY, kv), null);
    }

    static SourceSnapshot recommended(String name, PolicyScope scope, Object... kv) {
        return new SourceSnapshot(origin(name, scope), null, level(name, scope, PolicyLevel.RECOMMENDED, kv));
    }

    static Snapshot level(String name, PolicyScope scope, PolicyLevel level, Object... kv) {
        Map<SettingKey, SettingItem> items = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            items.put(key((String) kv[i]), SettingItem.value(kv[i + 1], origin(name, scope), level));
        }
        return Snapshot.of(items, scope, origin(name, scope));
    }
}

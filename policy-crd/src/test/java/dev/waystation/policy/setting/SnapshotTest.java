package dev.waystation.policy.setting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Snapshots: equality, string form, changed keys (missing and error transitions included), null-object safety. */
class SnapshotTest {

    static final Origin DEVICE_SOURCE = new Origin("Test Policy", PolicyScope.DEVICE);

    @Test
    void emptySnapshotsAreSafeAndEqual() {
        Snapshot empty = Snapshot.of(Map.of());
        assertThat(empty).isSameAs(Snapshot.EMPTY);
        assertThat(empty.keys()).isEmpty();
        assertThat(empty.get(SettingKey.of("X"))).isNull();
        assertThat(empty.size()).isZero();
        assertThat(empty.equalItems(null)).isTrue();
        assertThat(empty.changedKeys(null)).isEmpty();
        assertThat(empty.toString()).isEqualTo("{Empty}");
        assertThat(Snapshot.of(Map.of(), PolicyScope.DEVICE, null).toString()).isEqualTo("{Empty, Device}");
    }

    @Test
    void keyOrderDoesNotMatterButScopeDoesForEquals() {
        Snapshot a = Items.of(PolicyScope.DEVICE, null, "A", 1L, "B", "x");
        Snapshot b = Items.of(PolicyScope.CURRENT_USER, null, "B", "x", "A", 1L);
        assertThat(a.equalItems(b)).isTrue();
        assertThat(a).isNotEqualTo(b);
        assertThat(a).isEqualTo(Items.of(PolicyScope.DEVICE, null, "B", "x", "A", 1L));
        assertThat(a.equalItems(Items.of(null, null, "A", 2L, "B", "x"))).isFalse();
    }

    @Test
    void originsAndErrorsCountForItemEquality() {
        Snapshot one = Items.of(null, DEVICE_SOURCE, "A", true);
        Snapshot other = Items.of(null, new Origin("Other", PolicyScope.DEVICE), "A", true);
        assertThat(one.equalItems(other)).isFalse();
        assertThat(one.changedKeys(other)).containsExactly(SettingKey.of("A"));
    }

    @Test
    void changedKeysCoverErrorTransitions() {
        SettingError bang = new SettingError(ErrorCode.READ_FAILED, "bang!");
        SettingError boom = new SettingError(ErrorCode.READ_FAILED, "boom!");
        Snapshot missing = Snapshot.EMPTY;
        Snapshot error = Items.plain("A", bang);
        Snapshot otherError = Items.plain("A", boom);
        Snapshot value = Items.plain("A", 1L);
        assertThat(missing.changedKeys(error)).containsExactly(SettingKey.of("A"));
        assertThat(error.changedKeys(missing)).containsExactly(SettingKey.of("A"));
        assertThat(error.changedKeys(otherError)).containsExactly(SettingKey.of("A"));
        assertThat(error.changedKeys(value)).containsExactly(SettingKey.of("A"));
        assertThat(value.changedKeys(Items.plain("A", 1L))).isEmpty();
    }

    @Test
    void stringFormIsSortedWithASummaryLine() {
        Snapshot snapshot = Items.of(null, DEVICE_SOURCE, "Setting2", "show", "Setting1", Duration.ofHours(2),
                "Setting3", new SettingError(ErrorCode.TYPE_MISMATCH, "type mismatch: want a boolean"));
        assertThat(snapshot.toString()).isEqualTo("""
                {Test Policy (Device)}
                Setting1 = PT2H - Test Policy (Device) mandatory
                Setting2 = show - Test Policy (Device) mandatory
                Setting3 = Error{"type mismatch: want a boolean"} - Test Policy (Device) mandatory""");
        assertThat(snapshot.keys()).extracting(SettingKey::name).containsExactly("Setting1", "Setting2", "Setting3");
    }

    @Test
    void anItemHoldsExactlyOneOfValueAndError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SettingItem(null, null, null,
                PolicyLevel.MANDATORY)).isInstanceOf(IllegalArgumentException.class);
    }
}

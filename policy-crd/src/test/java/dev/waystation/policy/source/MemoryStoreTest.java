package dev.waystation.policy.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.ErrorCode;
import dev.waystation.policy.setting.PolicyLevel;

class MemoryStoreTest {

    @Test
    void readsPerLevelCountsReadsAndNotifiesOncePerWrite() throws Exception {
        MemoryStore store = MemoryStore.ofMandatory(Map.of("STUN.Enabled", false));
        AtomicInteger notified = new AtomicInteger();
        Subscription subscription = store.subscribe(notified::incrementAndGet);
        assertThat(store.read(RelaySettings.STUN_ENABLED, PolicyLevel.MANDATORY)).contains(false);
        assertThat(store.read(RelaySettings.STUN_ENABLED, PolicyLevel.RECOMMENDED)).isEmpty();
        assertThat(store.reads("STUN.Enabled")).isEqualTo(2);
        store.replace(Map.of(), Map.of("STUN.Enabled", true));
        store.setMandatory("Client.Allowed", false);
        store.setMandatory("Client.Allowed", null);
        assertThat(notified).hasValue(3);
        assertThat(store.read(RelaySettings.CLIENT_ALLOWED, PolicyLevel.MANDATORY)).isEmpty();
        assertThat(store.read(RelaySettings.STUN_ENABLED, PolicyLevel.RECOMMENDED)).contains(true);
        subscription.cancel();
        subscription.cancel();
        store.notifyChanged();
        assertThat(notified).hasValue(3);
        assertThat(store.subscribers()).isZero();
    }

    @Test
    void aStoredErrorIsThrownForThatKeyAndCloseExpiresTheStore() throws Exception {
        MemoryStore store = new MemoryStore();
        store.setMandatory("STUN.Enabled", new PolicyReadException(ErrorCode.READ_FAILED, "bang!"));
        assertThatThrownBy(() -> store.read(RelaySettings.STUN_ENABLED, PolicyLevel.MANDATORY))
                .isInstanceOf(PolicyReadException.class).hasMessage("bang!");
        store.lock();
        store.unlock();
        store.close();
        assertThat(store.expiry().toCompletableFuture()).isDone();
        assertThatThrownBy(store::lock).hasMessage("the policy store has been closed");
    }
}

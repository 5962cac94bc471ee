package dev.waystation.policy.rsop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.ErrorCode;
import dev.waystation.policy.setting.PolicyLevel;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.source.MemoryStore;
import dev.waystation.policy.source.PolicyReadException;

/**
 * The engine's error texts are part of its observable output, so each is asserted
 * to the letter, with the exception type and what the failed call leaves behind.
 */
class ErrorTextContractTest {

    final PolicyEngine engine = new EngineFixture().engine;

    @Test
    void aClosedEngineRefusesRegistrationsAndNewScopes() {
        engine.policyFor(PolicyScope.DEVICE);
        engine.close();
        MemoryStore late = MemoryStore.ofMandatory(Map.of("STUN.Enabled", false));
        assertThatThrownBy(() -> engine.register("late", PolicyScope.DEVICE, late))
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage("the policy engine is closed");
        assertThat(late.subscribers()).isZero();
        assertThat(engine.sources()).isEmpty();
        assertThatThrownBy(() -> engine.policyFor(PolicyScope.profile("eu")))
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage("the policy engine is closed");
    }

    @Test
    void replacingASourceTheEngineNoLongerHasSaysItIsNotRegistered() throws Exception {
        MemoryStore expiring = MemoryStore.ofMandatory(Map.of("STUN.Enabled", false));
        SourceRegistration dropped = engine.register("a", PolicyScope.profile("eu"), expiring);
        SourceRegistration kept = engine.register("b", PolicyScope.DEVICE, new MemoryStore());
        expiring.close();
        MemoryStore replacement = new MemoryStore();
        assertThatThrownBy(() -> dropped.replace(replacement)).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("the source is not registered: a (Profile(eu))");
        assertThat(dropped.isActive()).isTrue();
        engine.close();
        assertThatThrownBy(() -> kept.replace(replacement)).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("the source is not registered: b (Device)");
        assertThat(replacement.subscribers()).isZero();
        assertThat(engine.sources()).isEmpty();
    }

    @Test
    void aClosedStoreAndAConsumedHandleSayExactlyThat() throws Exception {
        MemoryStore closed = new MemoryStore();
        closed.close();
        assertThatThrownBy(() -> engine.register("closed", PolicyScope.DEVICE, closed))
                .isExactlyInstanceOf(PolicyReadException.class).hasMessage("the policy store has been closed")
                .satisfies(e -> assertThat(((PolicyReadException) e).code()).isEqualTo(ErrorCode.STORE_CLOSED));
        assertThatThrownBy(() -> closed.read(RelaySettings.STUN_ENABLED, PolicyLevel.MANDATORY))
                .isExactlyInstanceOf(PolicyReadException.class).hasMessage("the policy store has been closed");
        SourceRegistration handle = engine.register("s", PolicyScope.DEVICE, new MemoryStore());
        handle.unregister();
        assertThatThrownBy(() -> handle.replace(new MemoryStore()))
                .isExactlyInstanceOf(RegistrationConsumedException.class)
                .hasMessage("the store registration is no longer valid");
    }
}

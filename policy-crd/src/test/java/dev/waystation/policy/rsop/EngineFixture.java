package dev.waystation.policy.rsop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.waystation.policy.catalog.RelaySettings;
import dev.waystation.policy.setting.SettingRegistry;

/** An engine on a fake clock with a direct listener executor, recording reload times. */
final class EngineFixture {

    static final DebounceDelays DELAYS = new DebounceDelays(Duration.ofMillis(200), Duration.ofSeconds(1));

    final FakeClock clock = new FakeClock();
    final List<Long> reloadsAt = new CopyOnWriteArrayList<>();
    final PolicyEngine engine;

    EngineFixture() {
        this(RelaySettings.registry());
    }

    EngineFixture(SettingRegistry registry) {
        engine = new PolicyEngine(registry, clock, Runnable::run, DELAYS,
                (policy, nanos, healthy) -> reloadsAt.add(clock.millis()));
    }
}

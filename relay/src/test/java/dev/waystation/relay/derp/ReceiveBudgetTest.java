package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.waystation.relay.metrics.TransportMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The receive budgets: charges per pool, refusals counted, charges moved at the handshake and returned at close. */
class ReceiveBudgetTest {

    private final TransportMetrics metrics = new TransportMetrics(new SimpleMeterRegistry());
    private final ReceiveBudget budget = new ReceiveBudget(1000, 5000, metrics);

    @Test
    void aConnectionPastThePoolLimitIsRefusedAndCounted() {
        ReceiveBudget.Account first = budget.open();
        ReceiveBudget.Account second = budget.open();
        assertThat(first.hold(800)).isTrue();
        assertThat(second.hold(300)).isFalse();
        assertThat(metrics.handshakeBudgetExceeded.sum()).isEqualTo(1);
        // Shrinking is always allowed, and frees room for others.
        assertThat(first.hold(100)).isTrue();
        assertThat(second.hasRoom()).isTrue();
        first.close();
        second.close();
        assertThat(metrics.handshakeBufferedBytes.get()).isZero();
    }

    @Test
    void theHandshakeMovesTheChargeToTheEstablishedPool() {
        ReceiveBudget.Account account = budget.open();
        account.hold(700);
        account.established();
        assertThat(metrics.handshakeBufferedBytes.get()).isZero();
        assertThat(metrics.establishedBufferedBytes.get()).isEqualTo(700);
        assertThat(account.hold(4000)).isTrue();
        assertThat(account.hold(6000)).isFalse();
        assertThat(metrics.establishedBudgetExceeded.sum()).isEqualTo(1);
        account.close();
        assertThat(metrics.establishedBufferedBytes.get()).isZero();
    }
}

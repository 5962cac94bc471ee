package dev.waystation.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A generic RFC 5389 client (coturn's turnutils_stunclient) is never answered: in the default mode
 * it is not Tailscale, and in the opt-in answer-all-clients mode (switched at runtime as policy
 * does) its bare request is shorter than the answer would be.
 */
@QuarkusTest
class CoturnStunClientTest {

    /** The client prints its answer at once; without one it would wait forever. */
    private static final Duration NO_ANSWER_DEADLINE = Duration.ofSeconds(4);

    @Inject
    StunServer server;

    @Inject
    MeterRegistry registry;

    @AfterEach
    void restoreDefault() {
        server.setAnswerAllClients(false);
    }

    /**
     * Coturn's request is a bare 20-byte header; its answer would be 32 or 44 bytes. Even in
     * answer-all mode such a request is dropped, so the relay never amplifies a spoofed sender.
     */
    @Test
    void answerAllClientsModeNeverAnswersCoturnsShorterRequest() {
        server.setAnswerAllClients(true);
        StunCounters counters = new StunCounters(registry);
        for (InetSocketAddress target : server.boundAddresses()) {
            double amplification = counters.dropped(Verdict.AMPLIFICATION);
            double success = counters.requests("success");
            CommandResult result = CoturnStunClient.ask(target, NO_ANSWER_DEADLINE);

            assertThat(result.timedOut()).as(result.toString()).isTrue();
            assertThat(CoturnStunClient.reflexiveAddresses(result)).as(result.toString()).isEmpty();
            assertThat(counters.dropped(Verdict.AMPLIFICATION)).isGreaterThan(amplification);
            assertThat(counters.requests("success")).isEqualTo(success);
        }
    }

    @Test
    void tailscaleOnlyModeLeavesCoturnUnanswered() {
        StunCounters counters = new StunCounters(registry);
        for (InetSocketAddress target : server.boundAddresses()) {
            double notTailscale = counters.dropped(Verdict.NOT_TAILSCALE);
            double success = counters.requests("success");
            CommandResult result = CoturnStunClient.ask(target, NO_ANSWER_DEADLINE);

            assertThat(result.timedOut()).as(result.toString()).isTrue();
            assertThat(CoturnStunClient.reflexiveAddresses(result)).as(result.toString()).isEmpty();
            assertThat(counters.dropped(Verdict.NOT_TAILSCALE)).isGreaterThan(notTailscale);
            assertThat(counters.requests("success")).isEqualTo(success);
        }
    }
}

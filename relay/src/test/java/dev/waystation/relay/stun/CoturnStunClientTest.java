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
 * A generic RFC 5389 client (coturn's turnutils_stunclient) is answered only in the opt-in
 * answer-all-clients mode, switched at runtime as policy does.
 */
@QuarkusTest
class CoturnStunClientTest {

    /** The client prints its answer at once; without one it would wait forever. */
    private static final Duration NO_ANSWER_DEADLINE = Duration.ofSeconds(4);
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(30);

    @Inject
    StunServer server;

    @Inject
    MeterRegistry registry;

    @AfterEach
    void restoreDefault() {
        server.setAnswerAllClients(false);
    }

    @Test
    void answerAllClientsModeGivesCoturnItsMappedAddressOnBothFamilies() {
        server.setAnswerAllClients(true);
        StunCounters counters = new StunCounters(registry);
        for (InetSocketAddress target : server.boundAddresses()) {
            double success = counters.requests("success");
            CommandResult result = CoturnStunClient.ask(target, ANSWER_DEADLINE);
            String loopback = target.getAddress().getHostAddress().contains(":") ? "::1" : "127.0.0.1";

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(CoturnStunClient.reflexiveAddresses(result)).as(result.toString()).isNotEmpty()
                    .allSatisfy(address -> assertThat(address).matches(java.util.regex.Pattern.quote(loopback)
                            + ":[1-9][0-9]*"));
            assertThat(counters.requests("success")).isGreaterThan(success);
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

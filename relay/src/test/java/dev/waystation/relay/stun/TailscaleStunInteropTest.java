package dev.waystation.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/** Tailscale's own STUN client code (tailscale.com/net/stun) learns exactly its own address from Waystation. */
@QuarkusTest
class TailscaleStunInteropTest {

    private static final int REQUESTS = 3;

    @Inject
    StunServer server;

    @Inject
    MeterRegistry registry;

    @Test
    void ipv4ClientGetsItsOwnAddressAndPort() {
        assertOwnAddressComesBack(Inet4Address.class, "ipv4");
    }

    @Test
    void ipv6ClientGetsItsOwnAddressAndPort() {
        assertOwnAddressComesBack(Inet6Address.class, "ipv6");
    }

    private void assertOwnAddressComesBack(Class<?> family, String familyLabel) {
        InetSocketAddress target = server.boundAddresses().stream()
                .filter(a -> family.isInstance(a.getAddress())).findFirst().orElseThrow(() ->
                        new AssertionError("no " + familyLabel + " STUN socket in " + server.boundAddresses()));
        assertThat(target.getPort()).isPositive();
        StunCounters counters = new StunCounters(registry);
        double successBefore = counters.requests("success");
        double familyBefore = counters.family(familyLabel);

        CommandResult result = StunProbe.run(target, REQUESTS, Duration.ofSeconds(5));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<StunProbe.Answer> answers = StunProbe.answers(result);
        assertThat(answers).as(result.toString()).hasSize(REQUESTS);
        for (StunProbe.Answer answer : answers) {
            assertThat(answer.mapped()).isEqualTo(answer.local());
            assertThat(answer.local()).startsWith(familyLabel.equals("ipv4") ? "127.0.0.1:" : "[::1]:");
        }
        assertThat(counters.requests("success") - successBefore).isEqualTo(REQUESTS);
        assertThat(counters.family(familyLabel) - familyBefore).isEqualTo(REQUESTS);
    }
}

package dev.waystation.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Manual-cert derper rejects SNI other than its hostname unless the hostname is an IP. */
class ServerNameRuleTest {

    @Test
    void dnsHostnameNeedsItsOwnName() {
        ServerNameRule rule = ServerNameRule.forHostname("derp.example.com");
        assertThat(rule.accepts(Optional.of("derp.example.com"))).isTrue();
        assertThat(rule.accepts(Optional.of("DERP.example.com"))).isTrue();
        assertThat(rule.accepts(Optional.of("other.example.com"))).isFalse();
        assertThat(rule.accepts(Optional.empty())).isFalse();
    }

    @Test
    void ipHostnameAcceptsAnythingIncludingNoSni() {
        for (String ip : new String[] {"203.0.113.10", "2001:db8::1", "[2001:db8::1]"}) {
            ServerNameRule rule = ServerNameRule.forHostname(ip);
            assertThat(rule.accepts(Optional.empty())).as(ip).isTrue();
            assertThat(rule.accepts(Optional.of("whatever.test"))).as(ip).isTrue();
        }
    }

    @Test
    void notEveryDottedNumberIsAnIp() {
        assertThat(IpLiterals.parse("300.1.1.1")).isEmpty();
        assertThat(IpLiterals.parse("1.2.3")).isEmpty();
        assertThat(IpLiterals.parse("derp1.example.com")).isEmpty();
    }
}

package dev.waystation.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.waystation.tls.SelfSignedCertificate;

/** Manual-cert derper rejects SNI other than its hostname unless the hostname is an IP. */
class ServerNameRuleTest {

    private static X509Certificate certificateFor(String... names) throws Exception {
        return SelfSignedCertificate.issue(List.of(names), Instant.now(), Duration.ofDays(1)).certificate();
    }

    @Test
    void dnsHostnameNeedsItsOwnName() throws Exception {
        ServerNameRule rule = ServerNameRule.forHostname("derp.example.com");
        X509Certificate leaf = certificateFor("derp.example.com");
        assertThat(rule.accepts(Optional.of("derp.example.com"), leaf)).isTrue();
        assertThat(rule.accepts(Optional.of("DERP.example.com"), leaf)).isTrue();
        assertThat(rule.accepts(Optional.of("other.example.com"), leaf)).isFalse();
        assertThat(rule.accepts(Optional.empty(), leaf)).isFalse();
    }

    @Test
    void otherNamesAndNoSniOnlyWhenTheCertificateCarriesThem() throws Exception {
        // A Kubernetes node: named by its pod DNS name, dialled by its Service's IP or load balancer name.
        ServerNameRule rule = ServerNameRule.forHostname("home-0.home-mesh.default.svc");
        X509Certificate leaf = certificateFor("home-0.home-mesh.default.svc", "lb.example.net", "203.0.113.7");
        assertThat(rule.accepts(Optional.of("lb.example.net"), leaf)).isTrue();
        assertThat(rule.accepts(Optional.empty(), leaf)).isTrue();
        assertThat(rule.accepts(Optional.of("other.example.net"), leaf)).isFalse();
    }

    @Test
    void ipHostnameAcceptsAnythingIncludingNoSni() throws Exception {
        X509Certificate leaf = certificateFor("203.0.113.10");
        for (String ip : new String[] {"203.0.113.10", "2001:db8::1", "[2001:db8::1]"}) {
            ServerNameRule rule = ServerNameRule.forHostname(ip);
            assertThat(rule.accepts(Optional.empty(), leaf)).as(ip).isTrue();
            assertThat(rule.accepts(Optional.of("whatever.test"), leaf)).as(ip).isTrue();
        }
    }

    @Test
    void notEveryDottedNumberIsAnIp() {
        assertThat(IpLiterals.parse("300.1.1.1")).isEmpty();
        assertThat(IpLiterals.parse("1.2.3")).isEmpty();
        assertThat(IpLiterals.parse("derp1.example.com")).isEmpty();
    }
}

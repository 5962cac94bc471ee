package dev.waystation.relay.tls.acme;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.waystation.relay.tls.CertifiedKey;
import dev.waystation.relay.tls.TestPki;

class AcmeChallengesTest {

    private final AcmeChallenges challenges = new AcmeChallenges();

    @Test
    void anHttpTokenIsAnsweredOnlyUnderTheWellKnownPathAndOnlyWhilePublished() {
        challenges.publishHttp("tok3n", "tok3n.thumbprint");
        assertThat(challenges.httpAnswer("/.well-known/acme-challenge/tok3n")).contains("tok3n.thumbprint");
        assertThat(challenges.httpAnswer("/.well-known/acme-challenge/other")).isEmpty();
        assertThat(challenges.httpAnswer("/tok3n")).isEmpty();
        challenges.withdrawHttp("tok3n");
        assertThat(challenges.httpAnswer("/.well-known/acme-challenge/tok3n")).isEmpty();
    }

    @Test
    void anAlpnCertificateIsFoundByHostnameCaseInsensitivelyWhilePending() throws Exception {
        assertThat(challenges.alpnPending()).isFalse();
        CertifiedKey validation = new TestPki("validation").issue("relay.example.com", "relay.example.com");
        challenges.publishAlpn("relay.example.com", validation);
        assertThat(challenges.alpnPending()).isTrue();
        assertThat(challenges.alpnCertificate("Relay.Example.COM")).contains(validation);
        assertThat(challenges.alpnCertificate("other.example.com")).isEmpty();
        assertThat(challenges.alpnCertificate(null)).isEmpty();
        challenges.withdrawAlpn("relay.example.com");
        assertThat(challenges.alpnPending()).isFalse();
    }
}

package dev.waystation.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** derper refuses a manual certificate that is not valid for its hostname; so do we, by SAN. */
class HostnameVerifierTest {

    @Test
    void matchesDnsNamesWildcardsAndIps() throws Exception {
        TestPki pki = new TestPki("ca");
        var exact = pki.issue("x", "derp.example.com").leaf();
        var wildcard = pki.issue("x", "*.example.com").leaf();
        var ip = pki.issue("x", "203.0.113.10").leaf();

        assertThat(HostnameVerifier.matches(exact, "derp.example.com")).isTrue();
        assertThat(HostnameVerifier.matches(exact, "DERP.example.com.")).isTrue();
        assertThat(HostnameVerifier.matches(exact, "other.example.com")).isFalse();
        assertThat(HostnameVerifier.matches(wildcard, "derp.example.com")).isTrue();
        assertThat(HostnameVerifier.matches(wildcard, "a.derp.example.com")).isFalse();
        assertThat(HostnameVerifier.matches(wildcard, "example.com")).isFalse();
        assertThat(HostnameVerifier.matches(ip, "203.0.113.10")).isTrue();
        assertThat(HostnameVerifier.matches(ip, "203.0.113.11")).isFalse();
        assertThat(HostnameVerifier.matches(exact, "203.0.113.10")).isFalse();
    }

    @Test
    void ignoresTheCommonName() throws Exception {
        var cnOnly = new TestPki("ca").issue("derp.example.com", "other.example.com").leaf();
        assertThat(HostnameVerifier.matches(cnOnly, "derp.example.com")).isFalse();
    }
}

package dev.waystation.relay.tls.acme;

import dev.waystation.relay.tls.CertifiedKey;

/** Lets listener tests outside this package publish and withdraw a TLS-ALPN-01 challenge as an order does. */
public final class AcmeChallengesForTests {

    private AcmeChallengesForTests() {
    }

    public static void publishAlpn(AcmeChallenges challenges, String hostname, CertifiedKey certificate) {
        challenges.publishAlpn(hostname, certificate);
    }

    public static void withdrawAlpn(AcmeChallenges challenges, String hostname) {
        challenges.withdrawAlpn(hostname);
    }
}

package dev.waystation.relay.tls;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.waystation.tls.SelfSignedCertificate;

/**
 * The self-signed certificate for a relay whose hostname is an IP address (derper's manual mode
 * does the same): the IP as CN and as the only SAN, valid one year (longer is rejected by some
 * platforms). Clients pin it with {@code CertName: "sha256-raw:<hex>"}.
 */
final class SelfSignedCertificates {

    static final Duration IP_CERTIFICATE_VALIDITY = Duration.ofDays(365);

    private SelfSignedCertificates() {
    }

    static CertifiedKey forIp(InetAddress ip, Instant now) throws GeneralSecurityException {
        SelfSignedCertificate issued = SelfSignedCertificate.issue(List.of(ip.getHostAddress()), now,
                IP_CERTIFICATE_VALIDITY);
        return new CertifiedKey(List.of(issued.certificate()), issued.key());
    }
}

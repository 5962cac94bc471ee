package dev.waystation.operator.tls;

import java.time.Duration;
import java.time.Instant;

/**
 * When the operator's self-signed node certificates are issued, renewed and warned about. One year
 * of validity (what derper gives its own self-signed certificates; some platforms refuse longer),
 * renewed 30 days before it ends, so the two-week expiry warning (which every TLS mode shares) only
 * fires when renewal did not happen.
 */
public final class NodeCertificateLifetime {

    public static final Duration LIFETIME = Duration.ofDays(365);
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);
    public static final Duration WARN_BEFORE = Duration.ofDays(14);
    /** Back-dated so a client whose clock runs a little behind still accepts a fresh certificate. */
    public static final Duration CLOCK_SKEW = Duration.ofHours(1);

    private NodeCertificateLifetime() {
    }

    public static boolean renewalDue(Instant notAfter, Instant now) {
        return !now.isBefore(notAfter.minus(RENEW_BEFORE));
    }

    public static boolean expiryWarningDue(Instant notAfter, Instant now) {
        return !now.isBefore(notAfter.minus(WARN_BEFORE));
    }
}

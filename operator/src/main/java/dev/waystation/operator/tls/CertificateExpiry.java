package dev.waystation.operator.tls;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import dev.waystation.crd.v1alpha1.Conditions;
import dev.waystation.crd.v1alpha1.DerpNodeStatus;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * The {@code CertificatesValid} condition: False (reason {@code CertificateExpiring}) once a node's
 * certificate is within {@link NodeCertificateLifetime#WARN_BEFORE} of its NotAfter or past it. Its
 * turning False is the Warning Event (one per change, as for every condition), and it works from the
 * per-node {@code certificateNotAfter} alone, so every TLS mode that reports that gets it. Absent when
 * no node reports a certificate.
 */
public final class CertificateExpiry {

    public static final String CONDITION = "CertificatesValid";
    public static final String REASON_EXPIRING = "CertificateExpiring";
    public static final String REASON_VALID = "CertificatesValid";

    private CertificateExpiry() {
    }

    public static void setCondition(List<Condition> conditions, List<DerpNodeStatus> nodes, long generation,
            Instant now) {
        List<DerpNodeStatus> reporting = nodes.stream().filter(n -> n.getCertificateNotAfter() != null).toList();
        if (reporting.isEmpty()) {
            conditions.removeIf(c -> CONDITION.equals(c.getType()));
            return;
        }
        List<DerpNodeStatus> due = reporting.stream().filter(n -> NodeCertificateLifetime
                .expiryWarningDue(Instant.parse(n.getCertificateNotAfter()), now)).toList();
        if (due.isEmpty()) {
            Conditions.set(conditions, CONDITION, true, REASON_VALID, "every node's certificate is valid for more "
                    + "than " + NodeCertificateLifetime.WARN_BEFORE.toDays() + " days", generation, now);
            return;
        }
        String which = due.stream().map(n -> n.getName() + " (" + n.getHostName() + ") "
                + (now.isBefore(Instant.parse(n.getCertificateNotAfter())) ? "expires " : "expired ")
                + n.getCertificateNotAfter()).collect(Collectors.joining(", "));
        Conditions.set(conditions, CONDITION, false, REASON_EXPIRING, "TLS certificate of " + which
                + "; SelfSigned: the operator renews 30 days ahead, so look at its log; Manual: update the Secret "
                + "(the relays reload it without a restart)", generation, now);
    }
}

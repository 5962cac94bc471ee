package dev.waystation.operator.tls;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.waystation.crd.v1alpha1.DerpNodeStatus;
import dev.waystation.crd.v1alpha1.DerpRegionStatus;

/**
 * Which nodes' certificates have just come within {@link NodeCertificateLifetime#WARN_BEFORE} of
 * their NotAfter: one Warning Event per node and certificate, not one per reconcile, so a node stays
 * warned about until it serves another certificate (the previous status remembers what was seen).
 * Works from the status alone, so it serves every TLS mode that reports {@code certificateNotAfter}.
 */
public final class CertificateExpiryWarnings {

    public static final String REASON = "CertificateExpiring";

    private CertificateExpiryWarnings() {
    }

    /** One message per node whose certificate is due a warning now and was not in {@code previous}. */
    public static List<String> newlyDue(DerpRegionStatus previous, DerpRegionStatus current, Instant now) {
        List<String> messages = new ArrayList<>();
        for (DerpNodeStatus node : current.getNodes()) {
            if (!due(node, now) || (previous != null && previous.getNodes() != null
                    && previous.getNodes().stream().anyMatch(before -> Objects.equals(before.getName(), node.getName())
                            && Objects.equals(before.getCertificateNotAfter(), node.getCertificateNotAfter())
                            && due(before, now)))) {
                continue;
            }
            Instant notAfter = Instant.parse(node.getCertificateNotAfter());
            messages.add("the TLS certificate of node " + node.getName() + " (" + node.getHostName() + ") "
                    + (now.isBefore(notAfter) ? "expires at " : "expired at ") + notAfter
                    + "; renew it (SelfSigned: the operator renews 30 days ahead, so check its log; Manual: update "
                    + "the Secret, which the relays reload without a restart)");
        }
        return messages;
    }

    private static boolean due(DerpNodeStatus node, Instant now) {
        return node.getCertificateNotAfter() != null
                && NodeCertificateLifetime.expiryWarningDue(Instant.parse(node.getCertificateNotAfter()), now);
    }
}

package dev.waystation.operator.status;

import java.util.Optional;

import dev.waystation.operator.tls.ServedCertificate;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;

/**
 * What the cluster shows of one node: its per-node Service and its pod, either possibly absent (null),
 * and the certificate the Secret it loads holds, if the operator can read one.
 */
public record NodeObservation(int index, Service service, Pod pod, Optional<ServedCertificate> certificate) {

    public NodeObservation(int index, Service service, Pod pod) {
        this(index, service, pod, Optional.empty());
    }
}

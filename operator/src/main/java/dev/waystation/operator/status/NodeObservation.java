package dev.waystation.operator.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;

/** What the cluster shows of one node: its per-node Service and its pod, either possibly absent (null). */
public record NodeObservation(int index, Service service, Pod pod) {
}

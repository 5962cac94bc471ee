package dev.waystation.operator.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.waystation.operator.ManagedLabels;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Records Kubernetes Events ({@code kubectl describe} and {@code kubectl get events} show them) on the
 * object they concern. Callers record on outcomes a person acts on, such as a condition changing, not
 * on every reconcile, so the number of Events is bounded by the number of changes. A failed Event write
 * is logged and never fails a reconcile.
 */
@ApplicationScoped
public class EventRecorder {

    /** Event types as the API spells them. */
    public enum Type { Normal, Warning }

    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    /** The API server refuses longer Event messages. */
    private static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;
    private final MeterRegistry registry;

    @Inject
    public EventRecorder(KubernetesClient client, MeterRegistry registry) {
        this.client = client;
        this.registry = registry;
    }

    public void record(HasMetadata involved, Type type, String reason, String message) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String namespace = involved.getMetadata().getNamespace();
        String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
        var event = new EventBuilder()
                .withNewMetadata()
                .withName(involved.getMetadata().getName() + "." + Long.toHexString(System.nanoTime()))
                .withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(involved.getApiVersion()).withKind(involved.getKind())
                        .withName(involved.getMetadata().getName()).withNamespace(namespace)
                        .withUid(involved.getMetadata().getUid())
                        .withResourceVersion(involved.getMetadata().getResourceVersion()).build())
                .withType(type.name())
                .withReason(reason)
                .withMessage(text)
                .withFirstTimestamp(now.toString())
                .withLastTimestamp(now.toString())
                .withCount(1)
                .withNewSource().withComponent(ManagedLabels.MANAGED_BY_VALUE).endSource()
                .withReportingComponent(ManagedLabels.MANAGED_BY_VALUE)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
            registry.counter("waystation.operator.events", "type", type.name().toLowerCase(Locale.ROOT)).increment();
        } catch (KubernetesClientException e) {
            LOG.warnf("could not record Event %s %s on %s %s/%s: %s", type, reason, involved.getKind(), namespace,
                    involved.getMetadata().getName(), e.getMessage());
        }
    }
}

package dev.waystation.operator.policy;

import java.util.Set;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Policies act on the whole namespace they live in, so a change to any Policy or DerpRegion there
 * concerns every primary of the namespace: these event sources map it to all of them.
 */
final class PolicyNamespace {

    private PolicyNamespace() {
    }

    /**
     * An informer on {@code type} whose events trigger every primary in the same namespace. Updates that
     * do not change the generation (status writes, resyncs) are ignored: they change nothing we read.
     */
    static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> everyPrimaryOfNamespace(
            Class<R> type, EventSourceContext<P> context) {
        var configuration = InformerEventSourceConfiguration.from(type, context.getPrimaryResourceClass())
                .withName(sourceName(type))
                .withSecondaryToPrimaryMapper((R resource) -> primariesIn(context, resource.getMetadata().getNamespace()))
                .withOnUpdateFilter((R newer, R older) -> !java.util.Objects.equals(
                        newer.getMetadata().getGeneration(), older.getMetadata().getGeneration()))
                .build();
        return new InformerEventSource<>(configuration, context);
    }

    /** The event source's name, to fetch it from a reconcile context. */
    static String sourceName(Class<? extends HasMetadata> type) {
        return "namespace-" + HasMetadata.getPlural(type);
    }

    private static <P extends HasMetadata> Set<ResourceID> primariesIn(EventSourceContext<P> context, String namespace) {
        return context.getPrimaryCache().list(namespace).map(ResourceID::fromResource).collect(Collectors.toSet());
    }
}

package dev.waystation.operator.unreadable;

import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Marks a custom resource whose spec the operator could not read (a value outside the Java type, an
 * unknown enum constant: objects admitted before the CRD bounded them). Such an object still reaches
 * the reconcilers, with its metadata and status but no spec, and this in-memory annotation saying why,
 * so that one bad object gets a condition and an Event instead of stopping every watch of its kind.
 */
public final class UnreadableResources {

    /** Annotation the lenient deserializer adds in memory; never written to the API server. */
    public static final String ANNOTATION = "waystation.dev/unreadable-spec";

    private UnreadableResources() {
    }

    /** Why the object's spec could not be read, or empty when it was read. */
    public static Optional<String> reason(HasMetadata resource) {
        Map<String, String> annotations = resource.getMetadata() == null ? null : resource.getMetadata().getAnnotations();
        return annotations == null ? Optional.empty() : Optional.ofNullable(annotations.get(ANNOTATION));
    }
}

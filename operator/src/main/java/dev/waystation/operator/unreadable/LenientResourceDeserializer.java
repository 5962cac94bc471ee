package dev.waystation.operator.unreadable;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;

/**
 * Reads a custom resource as usual; when its spec cannot be read, returns the resource with its
 * metadata, its status when that can be read, no spec, and the reason in
 * {@link UnreadableResources#ANNOTATION}. Without this, one such object fails the informer's whole
 * list and stops the watch for every object of the kind.
 */
final class LenientResourceDeserializer extends DelegatingDeserializer {

    private static final String STATUS = "status";
    private final Class<?> resourceType;
    private final JavaType statusType;

    LenientResourceDeserializer(JsonDeserializer<?> delegate, Class<?> resourceType, JavaType statusType) {
        super(delegate);
        this.resourceType = resourceType;
        this.statusType = statusType;
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
        return new LenientResourceDeserializer(newDelegatee, resourceType, statusType);
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        JsonNode tree = parser.readValueAsTree();
        try (JsonParser replay = tree.traverse(parser.getCodec())) {
            replay.nextToken();
            return _delegatee.deserialize(replay, context);
        } catch (IOException | RuntimeException e) {
            return unreadable(tree, context, e);
        }
    }

    private Object unreadable(JsonNode tree, DeserializationContext context, Exception problem) throws IOException {
        CustomResource<?, ?> resource;
        try {
            resource = (CustomResource<?, ?>) resourceType.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(resourceType + " has no public no-argument constructor", e);
        }
        ObjectMeta metadata = tree.hasNonNull("metadata")
                ? context.readTreeAsValue(tree.get("metadata"), ObjectMeta.class) : new ObjectMeta();
        Map<String, String> annotations = metadata.getAnnotations() == null ? new HashMap<>()
                : new HashMap<>(metadata.getAnnotations());
        annotations.put(UnreadableResources.ANNOTATION, describe(problem));
        metadata.setAnnotations(annotations);
        resource.setMetadata(metadata);
        resource.setSpec(null);
        resource.setStatus(null);
        if (tree.hasNonNull(STATUS) && statusType != null) {
            try {
                setStatus(resource, context.readTreeAsValue(tree.get(STATUS), statusType));
            } catch (IOException | RuntimeException unreadableStatus) {
                // an unreadable status is rebuilt by the reconciler; the spec problem is what to report
            }
        }
        return resource;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void setStatus(CustomResource resource, Object status) {
        resource.setStatus(status);
    }

    /** Where and why, e.g. {@code spec.scheduling.topologySpreadConstraints[0].maxSkew: Numeric value (3000000000) out of range of int}. */
    static String describe(Exception problem) {
        StringBuilder path = new StringBuilder();
        if (problem instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference reference : mapping.getPath()) {
                if (reference.getFieldName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
                } else if (reference.getIndex() >= 0) {
                    path.append('[').append(reference.getIndex()).append(']');
                }
            }
        }
        String message = problem instanceof JsonMappingException mapping ? mapping.getOriginalMessage()
                : String.valueOf(problem.getMessage());
        Throwable cause = problem.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message = cause.getMessage();
        }
        message = message.lines().findFirst().orElse(message);
        return path.isEmpty() ? message : path + ": " + message;
    }
}

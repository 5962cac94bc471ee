package dev.waystation.operator.region;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Whether an object already is as the operator wants it, so that a reconcile writes only what changed.
 * Every applied object carries the hash of what was applied ({@link #HASH_ANNOTATION}); an object is
 * current when its hash matches and every field the operator sets still has the operator's value
 * (fields the API server or other controllers add are ignored). A changed spec changes the hash, so a
 * field the operator stopped setting is removed by the next apply; a field someone edited is reset.
 */
final class DesiredState {

    static final String HASH_ANNOTATION = "waystation.dev/applied-hash";
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private DesiredState() {
    }

    /** Adds the hash of {@code desired} (computed without the hash itself) to its annotations. */
    static <T extends HasMetadata> T stamp(T desired) {
        Map<String, String> annotations = desired.getMetadata().getAnnotations() == null ? new HashMap<>()
                : new HashMap<>(desired.getMetadata().getAnnotations());
        annotations.remove(HASH_ANNOTATION);
        desired.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
        String hash = hash(JSON.valueToTree(desired).toString());
        annotations.put(HASH_ANNOTATION, hash);
        desired.getMetadata().setAnnotations(annotations);
        return desired;
    }

    /** Whether {@code actual} holds every field of the stamped {@code desired} with the same value. */
    static boolean isCurrent(HasMetadata desired, HasMetadata actual) {
        return actual != null && contains(JSON.valueToTree(actual), JSON.valueToTree(desired));
    }

    private static boolean contains(JsonNode actual, JsonNode wanted) {
        if (wanted.isObject()) {
            if (!actual.isObject()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = wanted.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode present = actual.get(field.getKey());
                JsonNode value = field.getValue();
                if (value.isNull() || (present == null && value.isContainerNode() && value.isEmpty())) {
                    continue; // the API server drops nulls and empty lists and maps
                }
                if (present == null || !contains(present, value)) {
                    return false;
                }
            }
            return true;
        }
        if (wanted.isArray()) {
            if (!actual.isArray() || actual.size() != wanted.size()) {
                return false;
            }
            for (int i = 0; i < wanted.size(); i++) {
                if (!contains(actual.get(i), wanted.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return wanted.asText().equals(actual.asText());
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

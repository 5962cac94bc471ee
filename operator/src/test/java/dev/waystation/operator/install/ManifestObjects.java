package dev.waystation.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The Kubernetes objects of a multi-document YAML stream, keyed {@code kind/namespace/name}, for
 * comparing renderings semantically: formatting, comments and document order do not matter.
 */
final class ManifestObjects {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ManifestObjects() {
    }

    static Map<String, JsonNode> parse(String yaml) {
        Map<String, JsonNode> objects = new TreeMap<>();
        try {
            List<JsonNode> documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll();
            for (JsonNode object : documents) {
                if (object == null || object.isNull() || object.isEmpty()) {
                    continue; // an empty document (a template rendered to nothing)
                }
                String key = object.path("kind").asText() + "/" + object.path("metadata").path("namespace").asText("")
                        + "/" + object.path("metadata").path("name").asText();
                assertThat(objects.put(key, integralNumbers(object))).as("%s appears twice", key).isNull();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    /**
     * The same tree with whole numbers as integers: YAML writers differ in {@code 65535.0} against
     * {@code 65535} (Fabric8's CRD generator writes the first), which the API server stores alike.
     */
    private static JsonNode integralNumbers(JsonNode node) {
        if (node.isFloatingPointNumber() && node.canConvertToExactIntegral()) {
            return LongNode.valueOf(node.longValue());
        }
        if (node.isIntegralNumber()) {
            return LongNode.valueOf(node.longValue());
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            node.properties().forEach(field -> copy.set(field.getKey(), integralNumbers(field.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            node.forEach(element -> copy.add(integralNumbers(element)));
            return copy;
        }
        return node;
    }

    /** Both hold the same objects, each equal field by field; the message names the first that differs. */
    static void assertSameObjects(Map<String, JsonNode> actual, Map<String, JsonNode> expected, String hint) {
        assertThat(actual.keySet()).as("objects; " + hint).containsExactlyElementsOf(expected.keySet());
        expected.forEach((key, object) -> assertThat(actual.get(key)).as("%s differs; %s", key, hint).isEqualTo(object));
    }

    /** The one container of the operator Deployment. */
    static JsonNode operatorContainer(Map<String, JsonNode> objects) {
        JsonNode deployment = objects.get("Deployment/waystation-system/waystation-operator");
        assertThat(deployment).as("the operator Deployment").isNotNull();
        return deployment.at("/spec/template/spec/containers/0");
    }

    static String env(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name)) {
                return variable.path("value").asText();
            }
        }
        return null;
    }
}

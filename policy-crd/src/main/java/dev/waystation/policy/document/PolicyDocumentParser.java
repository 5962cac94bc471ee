package dev.waystation.policy.document;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.ScopeParseException;

/**
 * Reads {@link PolicyDocument}s. The shape is checked strictly (unknown fields, wrong shapes, bad
 * scopes, duplicate names or keys reject the whole document with a message naming the place);
 * values are kept raw and checked per key against the catalog by {@link DocumentValidator}.
 */
public final class PolicyDocumentParser {

    static final String VERSION = "version";
    static final String SOURCES = "sources";
    static final String NAME = "name";
    static final String SCOPE = "scope";
    static final String PRIORITY = "priority";
    static final String MANDATORY = "mandatory";
    static final String RECOMMENDED = "recommended";

    private static final Set<String> TOP_FIELDS = Set.of(VERSION, SOURCES, MANDATORY, RECOMMENDED);
    private static final Set<String> SOURCE_FIELDS = Set.of(NAME, SCOPE, PRIORITY, MANDATORY, RECOMMENDED);

    private final ObjectMapper json;
    private final ObjectMapper yaml;

    public PolicyDocumentParser() {
        json = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        yaml = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    }

    /**
     * Parses {@code content}.
     *
     * @param documentName names the document in error messages and is the name of the single
     *        source of a document without {@code sources}
     */
    public PolicyDocument parse(String documentName, String content, DocumentFormat format)
            throws PolicyDocumentException {
        JsonNode root;
        try {
            root = (format == DocumentFormat.JSON ? json : yaml).readTree(content);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new PolicyDocumentException(documentName + ": not valid " + format + where + ": "
                    + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return PolicyDocument.of(List.of());
        }
        if (!root.isObject()) {
            throw new PolicyDocumentException(documentName + ": the document must be an object, got "
                    + kind(root));
        }
        checkFields(documentName, root, TOP_FIELDS);
        int version = version(documentName, root.get(VERSION));
        JsonNode sources = root.get(SOURCES);
        boolean topLevelValues = root.has(MANDATORY) || root.has(RECOMMENDED);
        if (sources != null && topLevelValues) {
            throw new PolicyDocumentException(documentName
                    + ": use either \"sources\" or top-level \"mandatory\"/\"recommended\", not both");
        }
        if (sources == null) {
            if (!topLevelValues) {
                return new PolicyDocument(version, List.of());
            }
            return new PolicyDocument(version, List.of(new DocumentSource(documentName, PolicyScope.DEVICE, 0,
                    values(documentName, root, MANDATORY), values(documentName, root, RECOMMENDED))));
        }
        if (!sources.isArray()) {
            throw new PolicyDocumentException(documentName + ": \"sources\" must be a list, got " + kind(sources));
        }
        List<DocumentSource> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < sources.size(); i++) {
            DocumentSource source = source(documentName + ": sources[" + i + "]", sources.get(i));
            if (!names.add(source.name())) {
                throw new PolicyDocumentException(documentName + ": sources[" + i + "]: duplicate source name \""
                        + source.name() + "\"");
            }
            out.add(source);
        }
        return new PolicyDocument(version, out);
    }

    /** Parses with the format chosen by content. */
    public PolicyDocument parse(String documentName, String content) throws PolicyDocumentException {
        return parse(documentName, content, DocumentFormat.sniff(content));
    }

    private DocumentSource source(String where, JsonNode node) throws PolicyDocumentException {
        if (!node.isObject()) {
            throw new PolicyDocumentException(where + ": a source must be an object, got " + kind(node));
        }
        JsonNode name = node.get(NAME);
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw new PolicyDocumentException(where + ": \"name\" must be a non-empty string");
        }
        String here = where + " \"" + name.asText() + "\"";
        checkFields(here, node, SOURCE_FIELDS);
        JsonNode scopeNode = node.get(SCOPE);
        if (scopeNode == null || !scopeNode.isTextual()) {
            throw new PolicyDocumentException(here
                    + ": \"scope\" must be a string such as Device, Profile(<region>) or User(nodekey:<hex>)");
        }
        PolicyScope scope;
        try {
            scope = PolicyScope.parse(scopeNode.asText());
        } catch (ScopeParseException e) {
            throw new PolicyDocumentException(here + ": scope: " + e.getMessage(), e);
        }
        JsonNode priority = node.get(PRIORITY);
        if (priority != null && !(priority.isIntegralNumber() && priority.canConvertToInt())) {
            throw new PolicyDocumentException(here + ": \"priority\" must be an integer, got " + kind(priority));
        }
        return new DocumentSource(name.asText(), scope, priority == null ? 0 : priority.intValue(),
                values(here, node, MANDATORY), values(here, node, RECOMMENDED));
    }

    private static Map<String, Object> values(String where, JsonNode parent, String field)
            throws PolicyDocumentException {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new PolicyDocumentException(where + ": \"" + field + "\" must be a map of setting keys to values, got "
                    + kind(node));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            try {
                out.put(entry.getKey(), raw(entry.getValue()));
            } catch (NonFiniteNumberException e) {
                throw new PolicyDocumentException(where + ": \"" + field + "\" \"" + entry.getKey() + "\": "
                        + e.getMessage());
            }
        }
        return out;
    }

    /** JSON/YAML value to raw Java: Boolean, String, BigInteger/Long, BigDecimal, List, Map, null. */
    static Object raw(JsonNode node) throws NonFiniteNumberException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isIntegralNumber()) {
            BigInteger value = node.bigIntegerValue();
            return value.bitLength() < 64 ? (Object) value.longValue() : value;
        }
        if (node.isNumber()) {
            // JSON 1e999 and YAML .inf/.nan arrive as doubles that no BigDecimal can hold.
            if (!node.isBigDecimal() && !Double.isFinite(node.doubleValue())) {
                throw new NonFiniteNumberException(node.asText());
            }
            return new BigDecimal(node.asText());
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                list.add(raw(element));
            }
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            map.put(entry.getKey(), raw(entry.getValue()));
        }
        return map;
    }

    /** A number beyond every numeric setting type (infinite or not a number). */
    static final class NonFiniteNumberException extends Exception {
        private static final long serialVersionUID = 1L;

        NonFiniteNumberException(String number) {
            super("number " + number + " is not finite", null, false, false);
        }
    }

    private static int version(String where, JsonNode node) throws PolicyDocumentException {
        if (node == null) {
            return PolicyDocument.CURRENT_VERSION;
        }
        if (!node.isIntegralNumber() || node.intValue() != PolicyDocument.CURRENT_VERSION) {
            throw new PolicyDocumentException(where + ": unsupported \"version\" " + node
                    + " (this release reads version " + PolicyDocument.CURRENT_VERSION + ")");
        }
        return PolicyDocument.CURRENT_VERSION;
    }

    private static void checkFields(String where, JsonNode node, Set<String> allowed) throws PolicyDocumentException {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!allowed.contains(field)) {
                throw new PolicyDocumentException(where + ": unknown field \"" + field + "\" (expected one of "
                        + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "string \"" + node.textValue() + "\"";
            case NUMBER -> "number " + node;
            case BOOLEAN -> "boolean " + node;
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
